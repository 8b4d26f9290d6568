// Our HS256 check against jose's, token by token: for tokens made from a valid one by changing
// its header, claims and signature at random, both accept the same ones as the same user and
// refuse the rest, except where ours is stricter by design (a subject that is not a string, a
// signature spelled with base64 padding).
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { jwtVerify } from 'jose';
import { AccessTokens } from '../../server/http/auth.ts';

const SECRET = 'token-agreement-secret-0123456789abcdef';
const tokens = new AccessTokens(SECRET);
const key = new TextEncoder().encode(SECRET);
const now = Math.floor(Date.now() / 1000);
const base64url = (text: string) => Buffer.from(text).toString('base64url');

function sign(header: string, claims: string, secret = SECRET): string {
  const input = `${base64url(header)}.${base64url(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** What jose says of the token, with the options AccessTokens used it with, then our policy. */
async function joseVerdict(token: string): Promise<string> {
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      requiredClaims: ['exp', 'sub'],
      clockTolerance: 30,
    });
    const { sub, aud, iat, exp } = payload;
    const audiences = typeof aud === 'string' ? [aud] : (aud ?? []);
    const withinPolicy =
      audiences.includes(tokens.audience) &&
      typeof iat === 'number' &&
      iat <= Date.now() / 1000 + 30 &&
      exp! - iat <= tokens.maxAgeSeconds;
    return sub && withinPolicy ? `accepted as ${sub}` : 'refused';
  } catch {
    return 'refused';
  }
}

const ourVerdict = (token: string) =>
  tokens.verify(token).then(
    (userId) => `accepted as ${userId}`,
    () => 'refused',
  );

// Weighted towards tokens that pass, so the two are compared on acceptance as much as on refusal.
const header = fc.oneof(
  { arbitrary: fc.constantFrom({ alg: 'HS256', typ: 'JWT' }, { alg: 'HS256' }), weight: 6 },
  {
    arbitrary: fc.constantFrom({ alg: 'none' }, { alg: 'HS512' }, { alg: 'hs256' }, {}),
    weight: 1,
  },
  { arbitrary: fc.constant({ alg: 'HS256', crit: ['exp'] }), weight: 1 },
);
/** A time around now, or a value that is no NumericDate. */
const dateAround = (earliest: number, latest: number) =>
  fc.oneof(
    { arbitrary: fc.integer({ min: now + earliest, max: now + latest }), weight: 8 },
    { arbitrary: fc.constantFrom(undefined, null, 'soon', now + 0.5), weight: 1 },
  );
const claims = fc.record(
  {
    sub: fc.oneof(fc.constantFrom('buyer-1', ''), fc.string({ maxLength: 8 })),
    aud: fc.oneof(
      { arbitrary: fc.constant(tokens.audience), weight: 6 },
      { arbitrary: fc.constantFrom('someone-else', [tokens.audience, 'x'], undefined), weight: 1 },
    ),
    iat: dateAround(-3700, 60),
    exp: dateAround(-120, 3600),
    nbf: dateAround(-60, 120),
  },
  { requiredKeys: ['sub', 'aud', 'iat', 'exp'] },
);

describe('access token verification agrees with jose', () => {
  it('accepts and refuses the same tokens as jose does', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(
        header,
        claims,
        fc.oneof({ arbitrary: fc.constant(true), weight: 9 }, fc.constant(false)),
        fc.oneof(
          { arbitrary: fc.constant('as signed'), weight: 6 },
          fc.constantFrom('other key', 'changed', 'truncated'),
        ),
        async (head, body, asText, signature) => {
          const json = JSON.stringify(body);
          let token = sign(JSON.stringify(head), asText ? json : JSON.stringify([body]));
          if (signature === 'other key') token = sign(JSON.stringify(head), json, 'another-secret');
          if (signature === 'changed')
            token = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
          if (signature === 'truncated') token = token.slice(0, -1);

          const ours = await ourVerdict(token);
          if (ours !== 'refused') accepted++;
          assert.equal(ours, await joseVerdict(token));
        },
      ),
      { numRuns: 2000 },
    );
    // Both sides of the comparison were reached, many times each.
    assert.ok(accepted > 100 && accepted < 1900, `${accepted} of 2000 accepted`);
  });
});
