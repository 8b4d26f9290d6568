// Stripe's embedded checkout for <checkout-button display="overlay|inline">, in a dialog over the
// page or in the page's element that `target` names.
import type { StripeEmbeddedCheckout } from '@stripe/stripe-js';
import type { CheckoutButton } from '../checkout-button.ts';
import type { Departure } from '../departure.ts';
import { emit, type EmbeddedFailureCode } from '../events.ts';
import { warn, type CheckoutFailure, type FailureCode } from '../failure.ts';
import { waitForPurchase } from './completion.ts';
import { overlay } from './dialog.ts';
import type { CreateSession, FailureType, Session } from './session.ts';
import { EmbeddedUnavailable, stripeFor, watchPolicy } from './stripe.ts';

/** The element's failures name failure.ts's codes; its `checkout-error` also this one. */
const UNAVAILABLE = 'embedded-unavailable' satisfies EmbeddedFailureCode as unknown as FailureCode;

/** Stripe.js allows one embedded checkout per page: the one shown, whichever button opened it. */
let shown: { end(): void } | undefined;
/** The last open under way: the next waits for it, so two quick clicks cannot make two. */
let opening: Promise<unknown> = Promise.resolve();

/** The buyer's codes that the redirect would meet too; any other failure there is ours. */
const BUYER_FAILURES: readonly string[] = [
  'already-subscribed',
  'authentication-required',
  'promotion-code-refused',
  'rate-limited',
  'not-found',
];

/**
 * Shows the embedded checkout and resolves once it is in the page (with nowhere to go), or
 * resolves with the hosted session to redirect to when it cannot be shown. A refusal by the
 * server (409, 401, …) is thrown as it came.
 */
export function openEmbedded(
  host: CheckoutButton,
  create: CreateSession,
  signal: AbortSignal,
  Failure: FailureType,
): Promise<Departure> {
  const open = opening.then(() => openNow(host, create, signal, Failure));
  opening = open.catch(() => undefined);
  return open;
}

async function openNow(
  host: CheckoutButton,
  create: CreateSession,
  signal: AbortSignal,
  Failure: FailureType,
): Promise<Departure> {
  shown?.end();
  signal.throwIfAborted();
  const display = host.display === 'inline' ? 'inline' : 'overlay';
  let checkout: { end(): void } | undefined;
  let embedded: StripeEmbeddedCheckout | undefined;
  let refusal: unknown;
  let blocked: string | undefined;
  const unwatch = watchPolicy(host.api, (directive) => {
    blocked ??= directive;
    // Once shown, a blocked frame or request leaves the buyer nothing to pay with.
    if (checkout && shown === checkout) redirectInstead(host, create, Failure, directive);
  });
  try {
    const place = display === 'inline' ? inlinePlace(host) : undefined;
    const stripe = await stripeFor(host.api);
    let session: Session | undefined;
    embedded = await stripe.createEmbeddedCheckoutPage({
      fetchClientSecret: async () => {
        try {
          session = await create('embedded');
        } catch (error) {
          refusal = error;
          throw error;
        }
        return session.clientSecret!;
      },
      onComplete: () => void announcePurchase(host, session!.sessionId),
    });
    signal.throwIfAborted();
    if (blocked) throw new EmbeddedUnavailable(`${blocked} blocks Stripe`);
    const sessionId = session!.sessionId;
    checkout = show(host, embedded, place, sessionId, unwatch);
    signal.addEventListener('abort', () => checkout!.end(), { once: true });
    emit(host, 'checkout-open', { sessionId, display });
    // Nowhere to go: the checkout is in the page.
    return {};
  } catch (error) {
    unwatch();
    embedded?.destroy();
    if (signal.aborted) throw error;
    const failure = refusal ?? error;
    if (failure instanceof Failure) throw failure;
    warn('the embedded checkout could not be shown, so the buyer goes to Stripe:', error);
    return redirect(create, Failure);
  }
}

/** The hosted session instead; only a failure the buyer can act on keeps its own code. */
async function redirect(create: CreateSession, Failure: FailureType): Promise<Departure> {
  try {
    return await create('hosted');
  } catch (error) {
    if (error instanceof Failure && BUYER_FAILURES.includes(error.code)) throw error;
    throw new Failure(
      UNAVAILABLE,
      'The checkout could not be opened. Please try again.',
      error instanceof Failure ? error.status : 0,
    );
  }
}

/** Leaving an embedded checkout already shown for Stripe's page, as the element would. */
function redirectInstead(
  host: CheckoutButton,
  create: CreateSession,
  Failure: FailureType,
  directive: string,
): void {
  shown?.end();
  warn(
    `the page's Content-Security-Policy (${directive}) blocks Stripe, so the buyer goes to Stripe`,
  );
  redirect(create, Failure).then(
    ({ url, sessionId }) => {
      if (url && sessionId && emit(host, 'checkout-redirect', { sessionId, url }, true)) {
        location.assign(url);
      }
    },
    (failure: CheckoutFailure) => {
      const { status, code, message } = failure;
      emit(host, 'checkout-error', { status, code, message });
    },
  );
}

/** The page's element that `target` names: Stripe's frame cannot live in a shadow root. */
function inlinePlace(host: CheckoutButton): HTMLElement {
  // A plain property, not a reactive one: the element's own script has no use for it.
  const target = host.target ?? host.getAttribute('target');
  const place = target ? document.querySelector(target) : null;
  if (!(place instanceof HTMLElement)) {
    throw new EmbeddedUnavailable(`target="${target ?? ''}" names no element of the page`);
  }
  return place;
}

function show(
  host: CheckoutButton,
  embedded: StripeEmbeddedCheckout,
  inline: HTMLElement | undefined,
  sessionId: string,
  unwatch: () => void,
): { end(): void } {
  const dialog = inline ? undefined : overlay();
  const checkout = {
    end() {
      if (shown !== checkout) return;
      shown = undefined;
      unwatch();
      embedded.destroy();
      dialog?.dismiss();
    },
  };
  const place =
    inline ??
    dialog!.open(host, host.offer, () => {
      checkout.end();
      emit(host, 'checkout-close', { sessionId });
    });
  shown = checkout;
  embedded.mount(place);
  return checkout;
}

/** Once the server has recorded the purchase, so a page reacting to it finds it there. */
async function announcePurchase(host: CheckoutButton, sessionId: string): Promise<void> {
  const entitlement = await waitForPurchase(sessionId, host);
  if (entitlement) emit(host, 'checkout-complete', { sessionId, entitlement });
}
