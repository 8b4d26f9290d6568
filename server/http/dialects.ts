import { ErrorNames, SessionMessages } from '../../shared/index.ts';

/**
 * The three documented API dialects differ only in their error envelopes. The path decides,
 * so errors raised before routing (body parsing, 404, 405) still speak the right one.
 */
export type Dialect = 'generic' | 'sessions' | 'api';

export function dialectFor(path: string): Dialect {
  if (path === '/payment' || path.startsWith('/payment/')) return 'generic';
  if (path === '/api/create-checkout-session') return 'sessions';
  return 'api';
}

const serverErrorMessage: Record<Dialect, string> = {
  generic: 'Internal server error',
  sessions: SessionMessages.failed,
  api: 'Internal server error',
};

/** `message` is undefined for an unexpected failure, whose details stay in the logs. */
export function errorEnvelope(
  dialect: Dialect,
  status: number,
  message: string | undefined,
): object {
  const text = message ?? serverErrorMessage[dialect];
  switch (dialect) {
    case 'generic':
      return { success: false, message: text };
    case 'sessions':
      // Seed 002 hides every server-side detail behind one sentence.
      return { error: status >= 500 ? SessionMessages.failed : text };
    case 'api':
      return {
        error: ErrorNames[status] ?? (status >= 500 ? 'Internal Server Error' : 'Bad Request'),
        message: text,
      };
  }
}
