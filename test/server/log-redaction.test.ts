import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '../../server/runtime.ts';

/** A logger writing into memory, and everything it wrote so far. */
function capture() {
  const lines: string[] = [];
  const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
  return { logger, output: () => lines.join('') };
}

describe('the server log', () => {
  it('redacts authorization, cookie, set-cookie and stripe-signature headers wherever headers are logged', () => {
    const { logger, output } = capture();
    const failure = Object.assign(new Error('request to the Stripe API failed'), {
      config: { headers: { Authorization: 'Bearer SECRET-in-client-config' } },
      headers: { 'set-cookie': 'session=SECRET-in-error-headers' },
    });

    logger.info(
      {
        req: {
          headers: {
            authorization: 'Bearer SECRET-bearer-token',
            cookie: 'access_token=SECRET-cookie',
            'content-type': 'application/json',
          },
        },
      },
      'request',
    );
    logger.info({ headers: { 'Stripe-Signature': 't=1,v1=SECRET-signature' } }, 'webhook');
    logger.info({ res: { headers: { 'Set-Cookie': ['access_token=SECRET-set-cookie'] } } });
    logger.info({ upstream: { headers: { Cookie: 'SECRET-nested-cookie' } } });
    logger.error({ err: failure }, 'Stripe call failed');

    const written = output();
    assert.doesNotMatch(written, /SECRET/);
    assert.equal(written.match(/\[Redacted\]/g)?.length, 7);
    // Only the secrets go: the rest of the entry still explains what happened.
    assert.match(written, /"content-type":"application\/json"/);
    assert.match(written, /request to the Stripe API failed/);
  });
});
