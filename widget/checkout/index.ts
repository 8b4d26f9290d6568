// What a click on <checkout-button> does: Stripe Checkout, on Stripe's page or embedded in this
// one, or the billing portal. A module of its own, fetched when the buyer first points at, focuses
// or clicks a button, so the script every page loads only shows the button. It gets what it needs
// from the element: the host, the promotion code to send, and the element's failure class.
import type { CheckoutButton } from '../checkout-button.ts';
import { openBillingPortal } from '../client.ts';
import type { Departure } from '../departure.ts';
import type { Errand } from '../failure.ts';
import { openEmbedded } from './embedded.ts';
import { explained, sessionsFor, type FailureType } from './session.ts';

export default async function leave(
  errand: Errand,
  host: CheckoutButton,
  signal: AbortSignal,
  promotionCode: () => string | undefined,
  Failure: FailureType,
): Promise<Departure> {
  if (errand === 'portal') {
    const { api, token } = host;
    const url = await openBillingPortal({ api, token, signal }).catch((error: unknown) => {
      throw explained(Failure, 'portal', error);
    });
    return { url };
  }
  const create = sessionsFor(host, promotionCode, Failure, signal);
  const { display } = host;
  return display === 'overlay' || display === 'inline'
    ? openEmbedded(host, create, signal, Failure)
    : create('hosted');
}
