// @stripe/stripe-js documents `@stripe/stripe-js/pure` (loadStripe without loading Stripe.js on
// import), but has no exports map: bundlers find pure/index.mjs, TypeScript's NodeNext resolution
// finds nothing. These are that entry's own types.
declare module '@stripe/stripe-js/pure' {
  export * from '@stripe/stripe-js/pure/index.js';
}
