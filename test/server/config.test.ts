import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { ConfigError, parseEnv } from '../../server/config.ts';

const PRODUCTION = {
  NODE_ENV: 'production',
  APP_URL: 'https://shop.example.com',
  AUTH_SECRET: 'production-auth-secret-that-is-long-enough-0123',
  STRIPE_SECRET_KEY: 'sk_live_configtest',
  STRIPE_WEBHOOK_SECRET: 'whsec_configtest0123456789',
  STRIPE_PUBLISHABLE_KEY: 'pk_live_configtest',
};

describe('configuration at start', () => {
  it('uses defaults that run the demo with no configuration at all', () => {
    const env = parseEnv({});

    assert.equal(env.PORT, 3000);
    assert.equal(env.STRIPE_SECRET_KEY, undefined);
    assert.deepEqual(env.ALLOWED_ORIGINS, []);
  });

  it('names every malformed variable in one error', () => {
    assert.throws(
      () =>
        parseEnv({
          PORT: 'eighty',
          STRIPE_SECRET_KEY: 'pk_test_123',
          STRIPE_WEBHOOK_SECRET: 'secret',
          ALLOWED_ORIGINS: 'not a url',
        }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        for (const name of [
          'PORT',
          'STRIPE_SECRET_KEY',
          'STRIPE_WEBHOOK_SECRET',
          'ALLOWED_ORIGINS',
        ]) {
          assert.match(error.message, new RegExp(name));
        }
        return true;
      },
    );
  });

  it('requires AUTH_SECRET in production', () => {
    assert.throws(
      () => parseEnv({ NODE_ENV: 'production' }),
      /AUTH_SECRET: required in production/,
    );
  });

  it('names every variable production needs in one error', () => {
    assert.throws(
      () => parseEnv({ NODE_ENV: 'production' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        for (const name of [
          'STRIPE_SECRET_KEY',
          'STRIPE_WEBHOOK_SECRET',
          'AUTH_SECRET',
          'APP_URL',
        ]) {
          assert.match(error.message, new RegExp(`${name}: required in production`));
        }
        return true;
      },
    );
  });

  it('requires an https APP_URL in production', () => {
    assert.throws(
      () => parseEnv({ ...PRODUCTION, APP_URL: 'http://shop.example.com' }),
      /APP_URL: must be https in production/,
    );
    assert.equal(parseEnv(PRODUCTION).APP_URL, 'https://shop.example.com');
  });

  it('refuses ALLOWED_ORIGINS entries that are no http(s) origin, naming each entry', () => {
    const hostile = [
      'null',
      'chrome-extension://abcdefghijklmnop',
      'javascript:alert(1)',
      'file:///etc',
    ];

    assert.throws(
      () => parseEnv({ ALLOWED_ORIGINS: ['https://shop.example.com', ...hostile].join(',') }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        for (const entry of hostile) {
          assert.ok(
            error.message.includes(`ALLOWED_ORIGINS.${hostile.indexOf(entry) + 1}: "${entry}"`),
            error.message,
          );
        }
        assert.doesNotMatch(error.message, /shop\.example\.com/);
        return true;
      },
    );
  });

  it('takes ALLOWED_ORIGINS as origins, plain http only outside production', () => {
    const list = 'https://shop.example.com/pricing, http://localhost:5173';

    assert.deepEqual(parseEnv({ ALLOWED_ORIGINS: list }).ALLOWED_ORIGINS, [
      'https://shop.example.com',
      'http://localhost:5173',
    ]);
    assert.throws(
      () => parseEnv({ ...PRODUCTION, ALLOWED_ORIGINS: list }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(
          error.message,
          /ALLOWED_ORIGINS.1: "http:\/\/localhost:5173" must be https in production/,
        );
        assert.doesNotMatch(error.message, /pricing/);
        return true;
      },
    );
  });

  it('reads the access token audience and maximum age, 24 hours unless set', () => {
    assert.equal(parseEnv({}).ACCESS_TOKEN_AUDIENCE, 'tilldrop');
    assert.equal(parseEnv({}).ACCESS_TOKEN_MAX_AGE, 86_400);
    const set = parseEnv({ ACCESS_TOKEN_AUDIENCE: 'shop', ACCESS_TOKEN_MAX_AGE: '3600' });
    assert.equal(set.ACCESS_TOKEN_AUDIENCE, 'shop');
    assert.equal(set.ACCESS_TOKEN_MAX_AGE, 3600);
    assert.throws(() => parseEnv({ ACCESS_TOKEN_MAX_AGE: '-1' }), /ACCESS_TOKEN_MAX_AGE/);
  });

  it('stops the server with a message naming the variable, and never echoes a secret', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: {
        ...process.env,
        STRIPE_SECRET_KEY: 'sk_test_abc',
        STRIPE_WEBHOOK_SECRET: '',
        AUTH_SECRET: 'short',
      },
      encoding: 'utf8',
      timeout: 30_000,
    });

    assert.equal(result.status, 1);
    assert.match(result.stderr, /AUTH_SECRET: must be at least 32 characters/);
    assert.doesNotMatch(result.stderr + result.stdout, /sk_test_abc/);
  });
});
