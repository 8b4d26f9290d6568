// The local Stripe's stand-in for Stripe.js, served from the local Stripe's own origin, with the
// one part of it Tilldrop uses: embedded Checkout. Its surface is the one @stripe/stripe-js 10.2
// declares (types/stripe-js/stripe.d.ts, embedded-checkout.d.ts): `Stripe(publishableKey)`, whose
// `createEmbeddedCheckoutPage({ clientSecret | fetchClientSecret, onComplete })` resolves to
// `{ mount(selectorOrElement), unmount(), destroy() }`. `loadStripe` takes any `window.Stripe`
// already on the page (src/shared.ts) and warns unless `Stripe.version` is its release train.
/* global window, document, fetch, URL, URLSearchParams, HTMLElement */
(() => {
  'use strict';
  // Registered once, however often the script is included.
  if (window.Stripe) return;

  const ORIGIN = new URL(document.currentScript.src).origin;
  const RELEASE_TRAIN = 'endive';
  const CLIENT_SECRET = /^cs_(test|live)_[A-Za-z0-9]+_secret_[A-Za-z0-9]+$/;

  class IntegrationError extends Error {
    constructor(message) {
      super(message);
      this.name = 'IntegrationError';
    }
  }

  // Stripe.js allows one embedded checkout per page until it is destroyed; a second is refused
  // with this message (joshnuss/svelte-stripe#97 quotes it).
  let liveCheckout = null;

  function checkPublishableKey(key) {
    if (typeof key !== 'string') {
      throw new IntegrationError(
        `Invalid value for Stripe(): apiKey should be a string. You specified: ${typeof key}.`,
      );
    }
    if (key === '') {
      throw new IntegrationError(
        'Please call Stripe() with your publishable key. You used an empty string.',
      );
    }
    if (/^(sk|rk)_/.test(key)) {
      throw new IntegrationError(
        'You should not use your secret key with Stripe.js.\nPlease pass a publishable key instead.',
      );
    }
  }

  function checkOptions(options) {
    const name = 'createEmbeddedCheckoutPage()';
    if (typeof options !== 'object' || options === null) {
      throw new IntegrationError(`Invalid value for ${name}: options should be an object.`);
    }
    const { clientSecret, fetchClientSecret, onComplete } = options;
    if ((clientSecret === undefined) === (fetchClientSecret === undefined)) {
      throw new IntegrationError(
        `${name}: exactly one of \`clientSecret\` or \`fetchClientSecret\` is required.`,
      );
    }
    if (fetchClientSecret !== undefined && typeof fetchClientSecret !== 'function') {
      throw new IntegrationError(
        `Invalid value for ${name}: fetchClientSecret should be a function.`,
      );
    }
    if (onComplete !== undefined && typeof onComplete !== 'function') {
      throw new IntegrationError(`Invalid value for ${name}: onComplete should be a function.`);
    }
  }

  function checkClientSecret(clientSecret) {
    // The wording Stripe.js uses for a malformed secret (stripe/react-stripe-js#595).
    if (typeof clientSecret !== 'string' || !CLIENT_SECRET.test(clientSecret)) {
      throw new IntegrationError(
        'Invalid value for createEmbeddedCheckoutPage(): clientSecret should be a client secret ' +
          `of the form \${id}_secret_\${secret}. You specified: ${String(clientSecret)}.`,
      );
    }
  }

  /** The local Stripe checks the key is this account's and the secret one of its sessions. */
  async function openSession(key, clientSecret) {
    let response;
    try {
      response = await fetch(`${ORIGIN}/embedded-checkout/open`, {
        method: 'POST',
        body: new URLSearchParams({ key, client_secret: clientSecret }),
      });
    } catch {
      throw new IntegrationError(`Failed to reach the local Stripe at ${ORIGIN}.`);
    }
    const body = await response.json().catch(() => null);
    if (!response.ok || typeof body?.session_id !== 'string') {
      throw new IntegrationError(
        body?.error?.message ?? `The local Stripe answered ${response.status}.`,
      );
    }
    return body.session_id;
  }

  function containerOf(location) {
    if (typeof location === 'string') {
      const found = document.querySelector(location);
      if (found) return found;
      throw new IntegrationError(
        `The selector you specified (${location}) applies to no DOM elements that are currently ` +
          'on the page.\nMake sure the element exists on the page before calling mount().',
      );
    }
    if (location instanceof HTMLElement) return location;
    throw new IntegrationError(
      'Invalid DOM element. Make sure to call mount() with a valid DOM element or selector.',
    );
  }

  function embeddedCheckout(token, sessionId, onComplete) {
    let frame = null;
    let destroyed = false;
    let completed = false;

    function onMessage(event) {
      if (!frame || event.origin !== ORIGIN || event.source !== frame.contentWindow) return;
      const message = event.data;
      if (message?.source !== 'local-stripe-checkout') return;
      if (message.type === 'resize' && typeof message.height === 'number') {
        frame.style.height = `${Math.ceil(message.height)}px`;
      }
      if (message.type === 'complete' && !completed) {
        completed = true;
        // redirect_on_completion `always` sends the buyer to the return_url; otherwise the page
        // stays and onComplete runs.
        if (typeof message.redirectUrl === 'string') window.location.assign(message.redirectUrl);
        else onComplete?.();
      }
    }
    window.addEventListener('message', onMessage);

    function unmount() {
      frame?.remove();
      frame = null;
    }

    return {
      mount(location) {
        if (destroyed) {
          throw new IntegrationError(
            'This Embedded Checkout has been destroyed. Create a new one to mount it again.',
          );
        }
        if (frame) {
          throw new IntegrationError(
            'This Embedded Checkout is already mounted. Call unmount() before mounting it again.',
          );
        }
        const container = containerOf(location);
        frame = document.createElement('iframe');
        frame.src =
          `${ORIGIN}/c/embedded/${encodeURIComponent(sessionId)}` +
          `?origin=${encodeURIComponent(window.location.origin)}`;
        frame.title = 'Secure checkout';
        frame.name = 'embedded-checkout';
        frame.style.cssText =
          'display:block;width:100%;min-width:280px;height:600px;border:0;background:#fff;';
        container.appendChild(frame);
      },
      unmount,
      destroy() {
        unmount();
        destroyed = true;
        window.removeEventListener('message', onMessage);
        if (liveCheckout === token) liveCheckout = null;
      },
    };
  }

  async function createEmbeddedCheckoutPage(key, options) {
    checkOptions(options);
    if (liveCheckout) {
      throw new IntegrationError('You cannot have multiple Embedded Checkout objects.');
    }
    // Claimed before the first await, so two calls at once cannot both succeed.
    const token = {};
    liveCheckout = token;
    try {
      const clientSecret = options.clientSecret ?? (await options.fetchClientSecret());
      checkClientSecret(clientSecret);
      const sessionId = await openSession(key, clientSecret);
      return embeddedCheckout(token, sessionId, options.onComplete);
    } catch (error) {
      liveCheckout = null;
      throw error;
    }
  }

  function Stripe(publishableKey) {
    checkPublishableKey(publishableKey);
    return {
      createEmbeddedCheckoutPage: (options) => createEmbeddedCheckoutPage(publishableKey, options),
    };
  }
  Stripe.version = RELEASE_TRAIN;
  window.Stripe = Stripe;
})();
