import type { Dialect } from '../../shared/index.ts';

/**
 * The path decides the dialect, so errors raised before routing (body parsing, 404, 405) still
 * speak the right one.
 */
export function dialectFor(path: string): Dialect {
  if (path === '/payment' || path.startsWith('/payment/')) return 'generic';
  if (path === '/api/create-checkout-session') return 'sessions';
  return 'api';
}
