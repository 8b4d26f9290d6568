// The success page: shows what was bought as soon as it is true. GET /payment/checkout/{id} asks
// Stripe itself while the session is open here, so a buyer who beats the webhook is not told
// "not yet". The session carries what Stripe charged, discount included.
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
  if (subscription?.trialEndsAt) facts.push(['Trial ends on', longDate(subscription.trialEndsAt)]);
  else if (subscription?.renewsAt) facts.push(['Renews on', longDate(subscription.renewsAt)]);
  if (session.amountTotal !== null) facts.push(['Amount paid', paidAmount(session)]);
  show('paid', {
    title: `Thank you, ${userName(current.userId)}!`,
    text: 'Your purchase is confirmed. A receipt is on your account page.',
    summary: purchaseLine(session.plan, session.billing, status),
    facts,
    actions: [link('/account', 'Go to your account'), link('/', 'Back to pricing', true)],
  });
}

/** The amount, with the price before the discount struck through when a code took something off. */
function paidAmount(session) {
  const amount = money(session.amountTotal, session.currency, { exact: true });
  return session.amountSubtotal > session.amountTotal
    ? [h('s', {}, money(session.amountSubtotal, session.currency, { exact: true })), ' ', amount]
    : amount;
}

const account = await loadAccount();
mountUserSwitcher(account.userId);
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
