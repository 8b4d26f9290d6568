// The pricing page: prices and savings from GET /api/plans, the monthly/annual switch (which only
// flips the `billing` attribute of the BASIC and PRO buttons) and the buyer's current plan.
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

function showCurrentPlan({ userId, entitlement }) {
  if (!entitlement) return;
  const card = document.querySelector(`.plan[data-plan="${entitlement.plan}"]`);
  card?.querySelector('.badge-current')?.removeAttribute('hidden');
  const what =
    entitlement.source === 'lifetime'
      ? 'lifetime access'
      : `${planName(entitlement.plan)}, billed ${entitlement.billing === 'annual' ? 'yearly' : entitlement.billing}`;
  const notice = document.querySelector('#current-plan');
  notice.replaceChildren(
    h('span', {}, `${userName(userId)} already has ${what}.`),
    h('a', { href: '/account' }, 'Manage it on the account page'),
  );
  notice.hidden = false;
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
plans = answer.ok ? answer.body.plans : [];
renderPrices(document.querySelector('input[name="billing"]:checked').value);
