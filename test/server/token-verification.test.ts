// The access token's signature and claims as AccessTokens checks them, token by token: HS256 only,
// the compact form exactly as RFC 7515 writes it, and the claims RFC 7519 types.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { AccessTokens } from '../../server/http/auth.ts';

const SECRET = 'token-verification-secret-0123456789abcdef';
const tokens = new AccessTokens(SECRET);
const now = () => Math.floor(Date.now() / 1000);
const encoded = (part: unknown) => Buffer.from(JSON.stringify(part)).toString('base64url');

/** A token signed with `key` exactly as given, whatever its header and claims say. */
function signed(header: unknown, claims: unknown, key = SECRET): string {
  const signingInput = `${encoded(header)}.${encoded(claims)}`;
  return `${signingInput}.${createHmac('sha256', key).update(signingInput).digest('base64url')}`;
}

const validClaims = () => ({ sub: 'buyer-1', aud: 'tilldrop', iat: now(), exp: now() + 60 });
const HS256 = { alg: 'HS256', typ: 'JWT' };
const codeOf = (token: string) =>
  tokens.verify(token).then(
    (userId) => `accepted as ${userId}`,
    (error: { code?: string }) => error.code,
  );

describe('access token verification', () => {
  it('accepts a token it signed, and one signed elsewhere with the same secret', async () => {
    const own = await tokens.sign('buyer-1');
    const elsewhere = signed(HS256, validClaims());

    assert.equal(await codeOf(own), 'accepted as buyer-1');
    assert.equal(await codeOf(elsewhere), 'accepted as buyer-1');
  });

  it('refuses another key, another algorithm, and extensions it does not implement', async () => {
    const claims = validClaims();

    assert.equal(await codeOf(signed(HS256, claims, 'another-secret')), 'authentication_required');
    assert.equal(await codeOf(signed({ alg: 'none' }, claims)), 'authentication_required');
    assert.equal(await codeOf(signed({ alg: 'HS512' }, claims)), 'authentication_required');
    const unencoded = { ...HS256, b64: false, crit: ['b64'] };
    assert.equal(await codeOf(signed(unencoded, claims)), 'authentication_required');
  });

  it('refuses a signature spelled with padding or changed, and a token with parts missing or added', async () => {
    const token = signed(HS256, validClaims());
    const changed = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;

    assert.equal(await codeOf(`${token}=`), 'authentication_required');
    assert.equal(await codeOf(changed), 'authentication_required');
    assert.equal(await codeOf(token.split('.').slice(0, 2).join('.')), 'authentication_required');
    assert.equal(await codeOf(`${token}.more`), 'authentication_required');
  });

  it('refuses a subject that is not a string, and claims of the wrong types', async () => {
    const claims = validClaims();

    assert.equal(await codeOf(signed(HS256, { ...claims, sub: 5 })), 'authentication_required');
    assert.equal(await codeOf(signed(HS256, { ...claims, sub: '' })), 'authentication_required');
    const withoutSubject = { aud: claims.aud, iat: claims.iat, exp: claims.exp };
    assert.equal(await codeOf(signed(HS256, withoutSubject)), 'authentication_required');
    const withoutExpiry = { sub: claims.sub, aud: claims.aud, iat: claims.iat };
    assert.equal(await codeOf(signed(HS256, withoutExpiry)), 'authentication_required');
    for (const claim of ['exp', 'iat', 'nbf']) {
      const mistyped = signed(HS256, { ...claims, [claim]: String(now()) });
      assert.equal(await codeOf(mistyped), 'authentication_required', claim);
    }
    assert.equal(await codeOf(signed(HS256, [claims])), 'authentication_required');
  });

  it('says a token past its expiry, beyond the clock skew, is expired', async () => {
    const expired = signed(HS256, { ...validClaims(), iat: now() - 3600, exp: now() - 60 });

    assert.equal(await codeOf(expired), 'token_expired');
  });
});
