// The success page: shows what was bought as soon as it is true. GET /payment/checkout/{id} asks
// Stripe itself while the session is open here, so a buyer who beats the webhook is not told
// "not yet"; the amount comes from the payment history once the payment is recorded.
/* global document, location, URLSearchParams */
import {
  getJson,
  h,
  loadAccount,
  longDate,
  money,
  mountUserSwitcher,
  planName,
  purchaseLine,
  sleep,
  userName,
} from './common.js';

const ICONS = { paid: '✓', expired: '!', unpaid: '…', missing: '?', error: '!' };
// Stripe keeps a Checkout session open for at most a day; nothing paid for it is older.
const SESSION_MAX_AGE_MS = 24 * 60 * 60 * 1000;

const $ = (selector) => document.querySelector(selector);
const capitalize = (word) => word.charAt(0).toUpperCase() + word.slice(1).replace(/_/g, ' ');

function show(state, { title, text = '', summary = '', facts = [], actions = [] }) {
  $('#result').dataset.state = state;
  $('.status-icon').replaceChildren(
    state === 'loading' ? h('span', { class: 'spinner' }) : ICONS[state],
  );
  $('#result-title').textContent = title;
  $('#result-text').textContent = text;
  $('#summary').textContent = summary;
  $('#facts').replaceChildren(
    ...facts.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]),
  );
  $('#actions').replaceChildren(...actions);
}

const link = (href, text, secondary = false) =>
  h('a', { class: secondary ? 'button secondary' : 'button', href }, text);

/** Polls the session until it is paid for, expired, or clearly left unpaid. */
async function follow(sessionId) {
  let open = false;
  for (let attempt = 0; ; attempt++) {
    const answer = await getJson(`/payment/checkout/${encodeURIComponent(sessionId)}`);
    if (answer.status === 404) return missing();
    if (answer.ok) {
      const session = answer.body.data;
      if (session.fulfilled) return paid(session);
      if (session.status === 'expired') return expired(session);
      open = session.status === 'open';
      // Right after paying the answer is already "paid"; an open one a moment later was not paid.
      if (open && attempt >= 2) unpaid(session);
    }
    // An unpaid session keeps its "continue to payment" view; anything else gets an honest maybe.
    if (attempt === 60) return open ? undefined : notConfirmed();
    await sleep(Math.min(500 + attempt * 250, 3000));
  }
}

function notConfirmed() {
  show('error', {
    title: 'We could not confirm this purchase yet',
    text: 'Your payment may still be on its way. Reload this page in a minute, or check your account.',
    actions: [link('/account', 'Go to your account')],
  });
}

function missing() {
  show('missing', {
    title: 'No such checkout',
    text: `${userName(account.userId)} has no checkout with this id. Did you switch buyers?`,
    actions: [link('/', 'See the plans')],
  });
}

function expired(session) {
  show('expired', {
    title: 'This checkout expired',
    text: 'It was left open too long, and nothing was charged. Pick a plan to start again.',
    facts: [
      ['Plan', planName(session.plan)],
      ['Status', 'Expired'],
    ],
    actions: [link('/', 'Back to pricing')],
  });
}

function unpaid(session) {
  show('unpaid', {
    title: 'This checkout is not paid yet',
    text: 'Nothing has been charged. You can go back and finish paying.',
    actions: [
      session.checkoutUrl ? link(session.checkoutUrl, 'Continue to payment') : null,
      link('/', 'Back to pricing', true),
    ].filter(Boolean),
  });
}

async function paid(session) {
  const current = await loadAccount();
  const subscription =
    current.subscription?.plan === session.plan ? current.subscription : undefined;
  const status =
    subscription?.status ??
    (current.entitlement?.plan === session.plan ? current.entitlement.status : 'paid');
  const facts = [
    ['Plan', planName(session.plan)],
    ['Billing', capitalize(session.billing === 'once' ? 'one payment' : session.billing)],
    ['Status', capitalize(status)],
  ];
  if (subscription?.renewsAt) facts.push(['Renews on', longDate(subscription.renewsAt)]);
  const render = (payment) =>
    show('paid', {
      title: `Thank you, ${userName(current.userId)}!`,
      text: 'Your purchase is confirmed. A receipt is on your account page.',
      summary: purchaseLine(session.plan, session.billing, status),
      facts: payment ? [...facts, ['Amount paid', paidAmount(payment, session)]] : facts,
      actions: [link('/account', 'Go to your account'), link('/', 'Back to pricing', true)],
    });
  render();
  const payment = await paymentFor(session);
  if (payment) render(payment);
}

/** The amount, with the list price struck through when a promotion code took something off. */
function paidAmount(payment, session) {
  const list = plans.find((price) => price.id === session.planId);
  const amount = money(payment.amount, payment.currency, { exact: true });
  return list && list.amount > payment.amount
    ? [h('s', {}, money(list.amount, list.currency, { exact: true })), ' ', amount]
    : amount;
}

/**
 * The payment this checkout made. Invoices arrive by webhook, so it may take a moment; the
 * newest payment not older than the session is it.
 */
async function paymentFor(session) {
  const since = Date.parse(session.expiresAt) - SESSION_MAX_AGE_MS;
  const kind = session.billing === 'once' ? 'one_time' : 'invoice';
  for (let attempt = 0; attempt < 40; attempt++) {
    const answer = await getJson('/api/payments?limit=5');
    const payment = answer.ok
      ? answer.body.data.find(
          (p) => p.kind === kind && p.status === 'paid' && Date.parse(p.createdAt) >= since,
        )
      : undefined;
    if (payment) return payment;
    await sleep(Math.min(500 + attempt * 250, 3000));
  }
  return undefined;
}

const account = await loadAccount();
mountUserSwitcher(account.userId);
const plansAnswer = await getJson('/api/plans');
const plans = plansAnswer.ok ? plansAnswer.body.plans : [];
const sessionId = new URLSearchParams(location.search).get('session_id');
if (sessionId) {
  await follow(sessionId);
} else {
  show('missing', {
    title: 'No checkout to show',
    text: 'This page shows a purchase after Stripe sends the buyer back here.',
    actions: [link('/', 'See the plans')],
  });
}
