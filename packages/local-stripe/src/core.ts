import type { Clock } from './store/clock.ts';
import type { Db } from './store/db.ts';
import type { Store } from './store/store.ts';
import type { Deliverer } from './webhooks/deliverer.ts';
import type { Faults } from './wire/faults.ts';

/** Everything the routes, flows and control API share: one per running local Stripe. */
export interface Core {
  db: Db;
  store: Store;
  clock: Clock;
  deliverer: Deliverer;
  faults: Faults;
  /** Base of the hosted pages' URLs; known once the server listens. */
  publicUrl: string;
  log: (line: string) => void;
}
