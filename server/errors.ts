/**
 * The one error the application throws on purpose. Routes and services throw it; one middleware
 * turns it into the envelope of the dialect the request speaks.
 */
export class AppError extends Error {
  override name = 'AppError';

  constructor(
    readonly status: number,
    message: string,
    /** A machine-readable reason, for logs and the widget (`already_subscribed`, `promotion_code_invalid`…). */
    readonly code: string = 'error',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** 4xx messages are written for the client; 5xx messages are also safe but fixed per route. */
  get expose(): boolean {
    return this.status < 500;
  }
}

export const badRequest = (message: string, code = 'bad_request') =>
  new AppError(400, message, code);
export const unauthorized = (message: string, code = 'unauthorized') =>
  new AppError(401, message, code);
export const notFound = (message: string, code = 'not_found') => new AppError(404, message, code);
export const conflict = (message: string, code = 'conflict') => new AppError(409, message, code);
