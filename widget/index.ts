// The bundle's entry: the element registers itself; the client is there for pages that need no button.
export { CheckoutButton } from './checkout-button.ts';
export type { CheckoutEventDetails } from './events.ts';
export {
  createCheckoutSession,
  getCheckoutSession,
  newIdempotencyKey,
  type CheckoutOptions,
  type Failure,
  type RequestOptions,
} from './client.ts';
export type { FailureCode } from './failure.ts';
