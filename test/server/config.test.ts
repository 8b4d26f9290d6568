import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { ConfigError, parseEnv } from '../../server/config.ts';

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
