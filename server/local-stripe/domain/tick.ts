import type { Core } from '../core.ts';
import { expireDueSessions } from './checkout-expire.ts';
import { runRenewals } from './renewals.ts';

export interface TickReport {
  renewed: number;
  failed: number;
  canceled: number;
  expired: number;
}

/** Everything that happens because time passed: run after the clock moves, and now and then. */
export function tick(core: Core): TickReport {
  const renewals = runRenewals(core);
  const expired = expireDueSessions(core);
  return { ...renewals, expired };
}
