import type { Core } from '../core.ts';
import { expireDueSessions } from './checkout-expire.ts';
import { pendingUpdateWork } from './plan-changes.ts';
import { renewalWork, type RenewalReport } from './renewals.ts';
import { scheduleWork } from './schedules.ts';
import { trialWork } from './trials.ts';

export interface TickReport {
  renewed: number;
  failed: number;
  canceled: number;
  expired: number;
}

/** Something that falls due at a Stripe time: a renewal, a retry, a trial's end, a new phase. */
export interface DueWork {
  at: number;
  run: (report: RenewalReport) => void;
}

/**
 * Does everything the clock has passed, in the order it fell due, each at the time it was due.
 * At the same second a schedule's new phase comes first, so the renewal it meets bills the new
 * price; then trials, then renewals, then pending updates expiring.
 */
function runDueWork(core: Core): RenewalReport {
  const report: RenewalReport = { renewed: 0, failed: 0, canceled: 0 };
  for (let guard = 0; guard < 10_000; guard += 1) {
    const now = core.clock.now();
    let next: DueWork | null = null;
    const sources = [scheduleWork, trialWork, renewalWork, pendingUpdateWork];
    for (const work of sources.flatMap((source) => source(core))) {
      if (work.at <= now && (!next || work.at < next.at)) next = work;
    }
    if (!next) break;
    const due = next;
    core.clock.at(due.at, () => core.db.transaction(() => due.run(report))());
  }
  return report;
}

/** Everything that happens because time passed: run after the clock moves, and now and then. */
export function tick(core: Core): TickReport {
  const renewals = runDueWork(core);
  const expired = expireDueSessions(core);
  return { ...renewals, expired };
}
