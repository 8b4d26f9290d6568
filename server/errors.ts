import { messageOf, statusOf, type ErrorCode } from '../shared/errors.ts';

/**
 * The one error the application throws on purpose, named by its code in shared/errors.ts, which
 * holds its status and words. Routes and services throw it; one middleware turns it into the
 * envelope of the dialect the request speaks.
 */
export class AppError extends Error {
  override name = 'AppError';

  constructor(
    readonly code: ErrorCode,
    /** Words naming what was refused (a field, a code, a wait), shown instead of the code's own. */
    readonly detail?: string,
    options?: { cause?: unknown },
  ) {
    super(detail ?? messageOf(code, 'api'), options);
  }

  /** The status outside seed 002's route, which answers some of these otherwise. */
  get status(): number {
    return statusOf(this.code, 'api');
  }
}
