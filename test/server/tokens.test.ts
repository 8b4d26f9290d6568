import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { SignJWT } from 'jose';
import { request, startStack, TEST_AUTH_SECRET, type Stack } from '../support/stack.ts';

const HOUR = 60 * 60;
const YEAR = 365 * 24 * HOUR;
const UNAUTHORIZED = {
  error: 'Unauthorized',
  message: 'Authentication required',
  code: 'authentication_required',
};
const now = () => Math.floor(Date.now() / 1000);

/** A token exactly as given: each claim set only when present, so tests can leave one out. */
function mint(claims: { aud?: string; iat?: number; nbf?: number; exp: number }): Promise<string> {
  const jwt = new SignJWT(claims.aud === undefined ? {} : { aud: claims.aud })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject('token-buyer')
    .setExpirationTime(claims.exp);
  if (claims.iat !== undefined) jwt.setIssuedAt(claims.iat);
  if (claims.nbf !== undefined) jwt.setNotBefore(claims.nbf);
  return jwt.sign(new TextEncoder().encode(TEST_AUTH_SECRET));
}

const signIn = (stack: Stack, token: string) =>
  request(stack.apiUrl, 'GET', '/api/subscription', { token });

describe('access tokens: audience, issue time and maximum age', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  it('accepts a token minted by the server-side signer', async () => {
    const response = await signIn(stack, await stack.tokenFor('token-buyer'));

    assert.equal(response.status, 200);
  });

  it('refuses a hundred-year token, however correctly signed', async () => {
    const issued = now();
    const token = await mint({ aud: 'tilldrop', iat: issued, exp: issued + 100 * YEAR });

    const response = await signIn(stack, token);

    assert.equal(response.status, 401);
    assert.deepEqual(response.body, UNAUTHORIZED);
  });

  it('refuses a token that lives a second longer than 24 hours', async () => {
    const issued = now();
    const longest = await mint({ aud: 'tilldrop', iat: issued, exp: issued + 24 * HOUR });
    const tooLong = await mint({ aud: 'tilldrop', iat: issued, exp: issued + 24 * HOUR + 1 });

    assert.equal((await signIn(stack, longest)).status, 200);
    assert.equal((await signIn(stack, tooLong)).status, 401);
  });

  it('refuses a token without aud, with another service’s aud, or without iat', async () => {
    const issued = now();
    const tokens = {
      'no aud': await mint({ iat: issued, exp: issued + HOUR }),
      'wrong aud': await mint({ aud: 'another-service', iat: issued, exp: issued + HOUR }),
      'no iat': await mint({ aud: 'tilldrop', exp: issued + HOUR }),
    };

    for (const [name, token] of Object.entries(tokens)) {
      const response = await signIn(stack, token);
      assert.equal(response.status, 401, name);
      assert.deepEqual(response.body, UNAUTHORIZED, name);
    }
  });

  it('refuses a token issued in the future, which would outlive its maximum age', async () => {
    const issued = now() + 10 * YEAR;
    const token = await mint({ aud: 'tilldrop', iat: issued, exp: issued + HOUR });

    const response = await signIn(stack, token);

    assert.equal(response.status, 401);
  });

  it('allows 20 seconds of clock skew on both ends, but not a minute', async () => {
    const issuedAhead = now() + 20;
    const ahead = await mint({ aud: 'tilldrop', iat: issuedAhead, exp: issuedAhead + HOUR });
    const justExpired = await mint({ aud: 'tilldrop', iat: now() - HOUR, exp: now() - 20 });
    const expired = await mint({ aud: 'tilldrop', iat: now() - HOUR, exp: now() - 60 });

    assert.equal((await signIn(stack, ahead)).status, 200);
    assert.equal((await signIn(stack, justExpired)).status, 200);
    const refused = await signIn(stack, expired);
    assert.equal(refused.status, 401);
    assert.deepEqual(refused.body, {
      error: 'Unauthorized',
      message: 'Access token expired',
      code: 'token_expired',
    });
  });
});

describe('access tokens from a backend whose clock is off by up to 30 seconds', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  // The leeway is 30 s; 5 s either side of it keeps a slow request from crossing the line.
  const WITHIN = 25;
  const BEYOND = 35;
  /** A one-hour token whose clock runs `ahead` seconds fast (negative: slow, and just ending). */
  const skewed = {
    iat: (ahead: number) => mint({ aud: 'tilldrop', iat: now() + ahead, exp: now() + HOUR }),
    nbf: (ahead: number) =>
      mint({ aud: 'tilldrop', iat: now(), nbf: now() + ahead, exp: now() + HOUR }),
    exp: (behind: number) => mint({ aud: 'tilldrop', iat: now() - HOUR, exp: now() - behind }),
  };

  it('accepts a token issued (iat) or valid from (nbf) 25 s ahead, or expired 25 s ago', async () => {
    for (const [claim, token] of [
      ['iat', await skewed.iat(WITHIN)],
      ['nbf', await skewed.nbf(WITHIN)],
      ['exp', await skewed.exp(WITHIN)],
    ]) {
      const response = await signIn(stack, token!);
      assert.equal(response.status, 200, `${claim}: ${JSON.stringify(response.body)}`);
    }
  });

  it('refuses one issued or valid from 35 s ahead, and one expired 35 s ago as expired', async () => {
    const issuedAhead = await signIn(stack, await skewed.iat(BEYOND));
    const validAhead = await signIn(stack, await skewed.nbf(BEYOND));
    const expired = await signIn(stack, await skewed.exp(BEYOND));

    assert.equal(issuedAhead.status, 401);
    assert.deepEqual(issuedAhead.body, UNAUTHORIZED);
    assert.equal(validAhead.status, 401);
    assert.deepEqual(validAhead.body, UNAUTHORIZED);
    assert.equal(expired.status, 401);
    assert.equal(expired.body.code, 'token_expired');
  });
});

describe('access tokens with ACCESS_TOKEN_AUDIENCE and ACCESS_TOKEN_MAX_AGE set', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({
      env: { ACCESS_TOKEN_AUDIENCE: 'shop-backend', ACCESS_TOKEN_MAX_AGE: String(2 * HOUR) },
    });
  });
  after(() => stack.close());

  it('accepts only the configured audience and lifetime', async () => {
    const issued = now();

    const right = await mint({ aud: 'shop-backend', iat: issued, exp: issued + 2 * HOUR });
    const defaultAudience = await mint({ aud: 'tilldrop', iat: issued, exp: issued + HOUR });
    const tooLong = await mint({ aud: 'shop-backend', iat: issued, exp: issued + 3 * HOUR });

    assert.equal((await signIn(stack, right)).status, 200);
    assert.equal((await signIn(stack, defaultAudience)).status, 401);
    assert.equal((await signIn(stack, tooLong)).status, 401);
  });

  it('npm run token reads the same settings and prints a token this server accepts', async () => {
    const env = {
      ...process.env,
      AUTH_SECRET: TEST_AUTH_SECRET,
      ACCESS_TOKEN_AUDIENCE: 'shop-backend',
      ACCESS_TOKEN_MAX_AGE: String(2 * HOUR),
    };
    const run = (hours: string) =>
      promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', 'scripts/token.ts', 'script-buyer', hours],
        { env },
      );

    const printed = await run('2');
    const tooLong = await run('3').then(
      () => assert.fail('a 3-hour token was printed'),
      (error: { code: number; stderr: string }) => error,
    );

    assert.equal((await signIn(stack, printed.stdout.trim())).status, 200);
    assert.equal(tooLong.code, 1);
    assert.match(tooLong.stderr, /ACCESS_TOKEN_MAX_AGE \(7200 s\)/);
  });
});
