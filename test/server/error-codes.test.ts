// Every error answer names its code from shared/errors.ts beside the documented fields, in the
// envelope of the route's dialect: clients act on the code, never on the words.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ApiFailure,
  codeOfMessage,
  dialectOfPath,
  ENDPOINTS,
  ERRORS,
  GenericFailure,
  messageOf,
  SessionFailure,
  type Dialect,
  type ErrorCode,
} from '../../shared/index.ts';
import { request, startStack, type JsonResponse, type Stack } from '../support/stack.ts';

const ENVELOPES = {
  generic: GenericFailure.strict(),
  sessions: SessionFailure.strict(),
  api: ApiFailure.strict(),
} as const;

const DIALECTS: Dialect[] = ['generic', 'sessions', 'api'];
const CODES = Object.keys(ERRORS) as ErrorCode[];

/** A path of the contracts with each `:param` filled in. */
const concrete = (path: string) => path.replace(/:\w+/g, 'ABC123');

describe('error codes', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  /** The answer is its dialect's envelope, strictly, with `code` the one expected. */
  function assertCoded(response: JsonResponse, path: string, code: ErrorCode, what: string) {
    const dialect = dialectOfPath(path);
    const where = `${what}: ${response.status} ${JSON.stringify(response.body)}`;
    assert.ok(ENVELOPES[dialect].safeParse(response.body).success, `${dialect} envelope? ${where}`);
    assert.equal(response.body.code, code, where);
  }

  it('answers every route, called the wrong way, with a code from the shared table in its dialect', async () => {
    for (const endpoint of ENDPOINTS) {
      const path = concrete(endpoint.path);
      const other = endpoint.method === 'GET' ? 'POST' : 'GET';
      const wrongMethod = await request(stack.apiUrl, other, path, {
        body: other === 'POST' ? {} : undefined,
      });
      const unknownBelow = await request(stack.apiUrl, endpoint.method, `${path}/no/such/thing`);

      assert.equal(wrongMethod.status, 405, `${other} ${path}`);
      assertCoded(wrongMethod, path, 'method_not_allowed', `${other} ${path}`);
      assert.equal(unknownBelow.status, 404, `${endpoint.method} ${path}/no/such/thing`);
      assertCoded(unknownBelow, `${path}/no/such/thing`, 'route_not_found', 'below the route');
      if (endpoint.method === 'POST') {
        const notJson = await request(stack.apiUrl, 'POST', path, {
          rawBody: '{"planId": ',
          headers: { 'content-type': 'application/json' },
        });
        assert.equal(notJson.status, 400, `POST ${path} with a broken body`);
        assertCoded(notJson, path, 'invalid_json', `POST ${path} with a broken body`);
      }
    }
  });

  it('answers every refused call of every route with a code from the shared table', async () => {
    for (const endpoint of ENDPOINTS) {
      const path = concrete(endpoint.path);
      const response = await request(stack.apiUrl, endpoint.method, path, {
        body: endpoint.method === 'POST' ? { planId: 7, plan: 7, userId: 7 } : undefined,
      });
      if (response.status < 400) continue;
      const { dialect } = endpoint;
      assert.ok(ENVELOPES[dialect].safeParse(response.body).success, `${endpoint.method} ${path}`);
      assert.ok(
        CODES.includes(response.body.code),
        `${endpoint.method} ${path}: ${response.body.code}`,
      );
    }
  });

  it('words each code once: no two codes share a message, in any dialect', () => {
    for (const code of CODES) {
      for (const dialect of DIALECTS) {
        assert.equal(codeOfMessage(messageOf(code, dialect)), code, `${code} in ${dialect}`);
      }
    }
  });
});
