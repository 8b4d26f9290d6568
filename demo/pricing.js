// The pricing page: prices and savings from GET /api/plans, the monthly/annual switch (which only
// flips the `billing` attribute of the BASIC and PRO buttons) and the buyer's current plan. Each
// card has two buttons: "Pay here" (display="overlay", Stripe's embedded checkout over this page)
// and "Pay on Stripe" (the redirect to Stripe's page).
import { getJson, h, loadAccount, money, mountUserSwitcher, planName, userName } from './common.js';

const PER = { week: '/week', month: '/month', year: '/year' };
const switchable = [
  ...document.querySelectorAll('checkout-button[plan="BASIC"], checkout-button[plan="PRO"]'),
];
let plans = [];

function priceFor(plan, billing) {
  return plans.find(
    (price) =>
      price.plan === plan &&
      (price.billing === billing || price.billing === 'weekly' || price.billing === 'once'),
  );
}

function note(price) {
  if (price.billing === 'annual') {
    const monthly = money(Math.round(price.amount / 12), price.currency);
    return `${monthly} a month, billed yearly`;
  }
  if (price.billing === 'monthly') return 'Billed monthly. Cancel any time.';
  return '';
}

function renderPrices(billing) {
  for (const card of document.querySelectorAll('.plan[data-plan]')) {
    const price = priceFor(card.dataset.plan, billing);
    card.querySelector('.amount').textContent = price ? money(price.amount, price.currency) : '—';
    card.querySelector('.per').textContent = price ? (PER[price.interval] ?? ' once') : '';
    const noteLine = card.querySelector('.plan-note');
    if (!noteLine) continue;
    noteLine.replaceChildren(
      price ? note(price) : 'Not on sale right now',
      price?.savingsPercent ? ' · ' : '',
      price?.savingsPercent ? h('strong', {}, `Save ${price.savingsPercent}%`) : '',
    );
  }
  const best = Math.max(0, ...plans.map((price) => price.savingsPercent ?? 0));
  document.querySelector('#annual-saving').textContent = best ? `Save ${best}%` : '';
}

function setBilling(billing) {
  for (const button of switchable) button.setAttribute('billing', billing);
  document.querySelector(`#billing-${billing}`).checked = true;
  renderPrices(billing);
  // Kept in the address, so switching buyers (a reload) keeps the same view.
  const url = new URL(location.href);
  url.searchParams.set('billing', billing);
  history.replaceState(null, '', url);
}

function describe(entitlement) {
  return entitlement.source === 'lifetime'
    ? 'lifetime access'
    : `${planName(entitlement.plan)}, billed ${entitlement.billing === 'annual' ? 'yearly' : entitlement.billing}`;
}

function showCurrentPlan({ userId, entitlement }) {
  if (!entitlement) return;
  const card = document.querySelector(`.plan[data-plan="${entitlement.plan}"]`);
  card?.querySelector('.badge-current')?.removeAttribute('hidden');
  const notice = document.querySelector('#current-plan');
  notice.replaceChildren(
    h('span', {}, `${userName(userId)} already has ${describe(entitlement)}.`),
    h('a', { href: '/account' }, 'Manage it on the account page'),
  );
  notice.hidden = false;
  // Managing the plan held, or switching a subscription to another, happens in Stripe's billing
  // portal whichever button is clicked: one button says it.
  for (const button of document.querySelectorAll('checkout-button[display="overlay"]')) {
    const plan = button.getAttribute('plan');
    const held = plan === entitlement.plan;
    const switched = entitlement.source === 'subscription' && (plan === 'BASIC' || plan === 'PRO');
    if (held || switched) button.hidden = true;
  }
}

/** Paid in the overlay: said at once; closing the overlay then shows the page as the buyer's. */
function showPurchase(userId, entitlement) {
  const notice = document.querySelector('#current-plan');
  notice.replaceChildren(
    h('span', {}, `Thank you! ${userName(userId)} now has ${describe(entitlement)}.`),
    h('a', { href: '/account' }, 'See it on the account page'),
  );
  notice.hidden = false;
  document.addEventListener('checkout-close', () => location.reload(), { once: true });
}

for (const input of document.querySelectorAll('input[name="billing"]')) {
  input.addEventListener('change', () => setBilling(input.value));
}

const requested = new URLSearchParams(location.search).get('billing');
const billing = requested === 'monthly' ? 'monthly' : 'annual';
setBilling(billing);

const [account, answer] = await Promise.all([loadAccount(), getJson('/api/plans')]);
mountUserSwitcher(account.userId);
showCurrentPlan(account);
document.addEventListener('checkout-complete', (event) =>
  showPurchase(account.userId, event.detail.entitlement),
);
plans = answer.ok ? answer.body.plans : [];
renderPrices(document.querySelector('input[name="billing"]:checked').value);
