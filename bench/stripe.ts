import { createStripeClient, type Stripe } from '../server/stripe/client.ts';

/** The official SDK pointed at the server's local Stripe, as the server itself is configured. */
export function localStripeClient(url: string, secretKey: string): Stripe {
  const { hostname, port } = new URL(url);
  return createStripeClient({
    secretKey,
    local: { host: hostname, port: Number(port), protocol: 'http' },
  });
}
