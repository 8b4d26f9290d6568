import type { Core } from '../core.ts';
import type { PortalFlow } from '../pages/flows.ts';

export function createPortalFlow(_core: Core): PortalFlow {
  return {
    view: () => null,
    cancelAtPeriodEnd: () => ({ message: 'The billing portal is not available yet.' }),
    resume: () => ({ message: 'The billing portal is not available yet.' }),
  };
}
