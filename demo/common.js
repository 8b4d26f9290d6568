// What every demo page shares: the demo sign-in, JSON requests to the API and how things read.
// The lint config knows Node's globals, not the browser's:

/** The demo's buyers; any of them can buy anything, which is the point of switching. */
export const USERS = [
  { id: 'alice', name: 'Alice' },
  { id: 'bob', name: 'Bob' },
  { id: 'carol', name: 'Carol' },
];

const PLAN_NAMES = {
  BASIC: 'Basic',
  PRO: 'Pro',
  weekly: 'Weekly pass',
  'one-time': 'Lifetime access',
};
const BILLING_NAMES = { monthly: 'monthly', annual: 'annual', weekly: 'weekly', once: 'one-time' };

/** Same origin as the API, so the httpOnly `access_token` cookie goes along by itself. */
export async function getJson(path, options = {}) {
  const response = await fetch(path, {
    method: options.body === undefined ? 'GET' : 'POST',
    headers: options.body === undefined ? {} : { 'content-type': 'application/json' },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    credentials: 'same-origin',
  });
  const body = await response.json().catch(() => undefined);
  return { status: response.status, ok: response.ok, body };
}

export const signIn = (userId) => getJson('/demo/session', { body: { userId } });

/**
 * The signed-in buyer and what they have. A first visit signs in as the first demo user, so the
 * pricing page works before anyone has found the switcher.
 */
export async function loadAccount() {
  let answer = await getJson('/api/subscription');
  if (answer.status === 401) {
    await signIn(USERS[0].id);
    answer = await getJson('/api/subscription');
  }
  if (!answer.ok) throw new Error(answer.body?.message ?? `HTTP ${answer.status}`);
  return answer.body;
}

/** The header's "Signed in as" select; another buyer reloads the page as them. */
export function mountUserSwitcher(userId) {
  const select = document.querySelector('#demo-user');
  if (!select) return;
  if (!USERS.some((user) => user.id === userId)) {
    select.append(new Option(userName(userId), userId));
  }
  select.value = userId;
  select.disabled = false;
  select.addEventListener('change', async () => {
    select.disabled = true;
    await signIn(select.value);
    location.reload();
  });
}

export const userName = (userId) =>
  USERS.find((user) => user.id === userId)?.name ??
  userId.charAt(0).toUpperCase() + userId.slice(1);
export const planName = (plan) => PLAN_NAMES[plan] ?? plan;
export const billingName = (billing) => BILLING_NAMES[billing] ?? billing;

/**
 * "PRO · annual · active", in the API's own plan names so buyers and support say the same; the
 * weekly pass and lifetime access carry their billing in their names.
 */
export function purchaseLine(plan, billing, status) {
  const subscription = plan === 'BASIC' || plan === 'PRO';
  return [subscription ? plan : planName(plan), subscription ? billingName(billing) : null, status]
    .filter(Boolean)
    .join(' · ');
}

/** Minor units to "$190" or "$4.99", as the widget writes prices; `exact` keeps "$190.00" for receipts. */
export function money(amount, currency, { exact = false } = {}) {
  const format = (digits) =>
    new Intl.NumberFormat(document.documentElement.lang || undefined, {
      style: 'currency',
      currency,
      minimumFractionDigits: digits,
    });
  const fractionDigits = format(undefined).resolvedOptions().maximumFractionDigits;
  const value = amount / 10 ** fractionDigits;
  return format(Number.isInteger(value) && !exact ? 0 : fractionDigits).format(value);
}

export const longDate = (iso) =>
  new Date(iso).toLocaleDateString(document.documentElement.lang || undefined, {
    dateStyle: 'long',
  });

export const shortDate = (iso) =>
  new Date(iso).toLocaleDateString(document.documentElement.lang || undefined, {
    dateStyle: 'medium',
  });

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Builds an element from a tag, attributes and children; text is always set as text. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value == null) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  element.append(...children.flat().filter((child) => child != null && child !== false));
  return element;
}
