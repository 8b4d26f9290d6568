// The account page: the current plan from GET /api/subscription, "Manage subscription" through
// the billing portal, "Confirm your payment" when the bank asks the buyer to, and the payment
// history from GET /api/payments.
import {
  getJson,
  h,
  loadAccount,
  longDate,
  money,
  mountUserSwitcher,
  planName,
  purchaseLine,
  shortDate,
  sleep,
  userName,
} from './common.js';

const $ = (selector) => document.querySelector(selector);
// Changes made in the billing portal reach us by webhook, a moment after the buyer comes back.
const WATCH_MS = 30_000;

function whenLine(subscription) {
  if (subscription.status === 'paused') {
    return h('p', { class: 'when' }, 'Paused: nothing is billed until it is resumed.');
  }
  if (subscription.status === 'canceled') {
    return subscription.endsAt
      ? h('p', { class: 'when' }, `Ended on ${longDate(subscription.endsAt)}`)
      : null;
  }
  if (subscription.cancelAtPeriodEnd && subscription.endsAt) {
    return h('p', { class: 'when ending' }, `Cancels on ${longDate(subscription.endsAt)}`);
  }
  if (subscription.trialEndsAt)
    return h('p', { class: 'when' }, `Trial ends on ${longDate(subscription.trialEndsAt)}`);
  if (subscription.renewsAt)
    return h('p', { class: 'when' }, `Renews on ${longDate(subscription.renewsAt)}`);
  return null;
}

const statusBadge = (status) => h('span', { class: `status ${status}` }, status.replace(/_/g, ' '));

function manageButton() {
  const button = h('button', { class: 'button secondary', type: 'button' }, 'Manage subscription');
  button.addEventListener('click', async () => {
    button.disabled = true;
    $('#plan-error').textContent = '';
    const answer = await getJson('/api/subscription/portal', { body: {} });
    if (answer.ok && /^https?:\/\//.test(answer.body?.url)) {
      location.assign(answer.body.url);
      return;
    }
    button.disabled = false;
    $('#plan-error').textContent =
      answer.body?.message ?? 'The billing portal could not be opened. Please try again.';
  });
  return button;
}

/** A renewal the bank wants the buyer to confirm (3D Secure) waits on Stripe's invoice page. */
function renderPaymentAction(action) {
  const notice = $('#payment-action');
  const url = action && /^https?:\/\//.test(action.url) ? action.url : null;
  notice.hidden = !url;
  notice.replaceChildren(
    ...(url
      ? [
          h('span', {}, 'Your bank asks you to confirm your latest payment.'),
          h('a', { class: 'button', href: url }, 'Confirm your payment'),
        ]
      : []),
  );
}

/** A downgrade confirmed in the portal waits for the renewal; the current plan runs until then. */
function scheduledLine(change, current) {
  if (!change) return null;
  // Only the billing changes (annual to monthly): say so, the plan's name alone would not.
  const plan =
    change.plan === current.plan ? purchaseLine(change.plan, change.billing) : change.plan;
  return h('p', { class: 'when scheduled' }, `Switches to ${plan} on ${longDate(change.at)}`);
}

function renderPlan({ entitlement, subscription, paymentAction, scheduledChange }) {
  renderPaymentAction(paymentAction);
  const rows = [];
  const live = subscription && subscription.status !== 'canceled';
  if (entitlement) {
    const fromSubscription = entitlement.source === 'subscription' && subscription;
    rows.push(
      h(
        'div',
        { class: 'current-plan' },
        h(
          'div',
          {},
          h(
            'p',
            { class: 'name' },
            purchaseLine(entitlement.plan, entitlement.billing),
            statusBadge(fromSubscription ? subscription.status : entitlement.status),
          ),
          fromSubscription
            ? whenLine(subscription)
            : h('p', { class: 'when' }, 'Paid once. It never renews and never expires.'),
          fromSubscription ? scheduledLine(scheduledChange, entitlement) : null,
        ),
        subscription ? manageButton() : null,
      ),
    );
    if (entitlement.source === 'lifetime' && live) {
      rows.push(
        h(
          'p',
          { class: 'muted' },
          `You also have a ${planName(subscription.plan)} subscription (${subscription.status}); manage it to stop paying for both.`,
        ),
      );
    }
  } else {
    rows.push(
      h(
        'div',
        { class: 'current-plan' },
        h(
          'div',
          {},
          h('p', { class: 'name' }, 'No plan yet'),
          subscription
            ? h(
                'p',
                { class: 'when' },
                `Your ${planName(subscription.plan)} subscription is ${subscription.status}.`,
              )
            : h('p', { class: 'when' }, 'Pick one on the pricing page.'),
        ),
        subscription ? manageButton() : h('a', { class: 'button', href: '/' }, 'See the plans'),
      ),
    );
  }
  $('#plan').replaceChildren(...rows);
}

let shownPayments = [];

function renderPayments(payments, hasMore) {
  shownPayments = payments;
  if (!payments.length) {
    $('#payments').replaceChildren(h('p', { class: 'muted' }, 'No payments yet.'));
    return;
  }
  const more = hasMore
    ? h('button', { class: 'button secondary', type: 'button' }, 'Show older payments')
    : null;
  more?.addEventListener('click', async () => {
    more.disabled = true;
    const last = shownPayments[shownPayments.length - 1];
    const answer = await getJson(
      `/api/payments?limit=10&starting_after=${encodeURIComponent(last.id)}`,
    );
    if (answer.ok) renderPayments([...shownPayments, ...answer.body.data], answer.body.hasMore);
    else more.disabled = false;
  });
  $('#payments').replaceChildren(
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        {},
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, 'Date'),
            h('th', { scope: 'col' }, 'Description'),
            h('th', { scope: 'col', class: 'amount' }, 'Amount'),
            h('th', { scope: 'col' }, 'Status'),
          ),
        ),
        h(
          'tbody',
          {},
          payments.map((payment) =>
            h(
              'tr',
              {},
              h('td', {}, shortDate(payment.createdAt)),
              h('td', { class: 'description' }, payment.description),
              h(
                'td',
                { class: 'amount' },
                money(payment.amount, payment.currency, { exact: true }),
              ),
              h('td', {}, h('span', { class: `status ${payment.status}` }, payment.status)),
            ),
          ),
        ),
      ),
    ),
    ...(more ? [h('p', { class: 'actions' }, more)] : []),
  );
}

let lastSeen = '';

/** Renders again only when something changed, so a click in progress is never thrown away. */
async function refresh() {
  const [account, payments] = await Promise.all([
    getJson('/api/subscription'),
    getJson('/api/payments?limit=10'),
  ]);
  if (!account.ok || !payments.ok) return;
  const seen = JSON.stringify([account.body, payments.body]);
  if (seen === lastSeen) return;
  const first = !lastSeen;
  lastSeen = seen;
  renderPlan(account.body);
  // Older pages the buyer opened stay open; only a fresh page follows new payments.
  if (first || shownPayments.length <= 10)
    renderPayments(payments.body.data, payments.body.hasMore);
}

async function watch() {
  const until = Date.now() + WATCH_MS;
  while (Date.now() < until) {
    await sleep(1500);
    await refresh();
  }
}

const account = await loadAccount();
mountUserSwitcher(account.userId);
$('#who').textContent = `Signed in as ${userName(account.userId)} (${account.userId}).`;
await refresh();
// Coming back from the billing portal, possibly from the back/forward cache.
window.addEventListener('pageshow', (event) => {
  if (event.persisted) void refresh().then(watch);
});
await watch();
