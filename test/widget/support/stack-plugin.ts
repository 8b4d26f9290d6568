// The server side of the browser tests: a real Tilldrop stack for the page to call, and the few
// things a page cannot do itself (mint tokens, pay on Stripe's page, break the network).
import { createServer, type Server, type Socket } from 'node:net';
import type { IncomingMessage } from 'node:http';
import type { TestRunnerPlugin } from '@web/test-runner';
import type { ChromeLauncher } from '@web/test-runner-chrome';
import type { Context, Next } from 'koa';
import type { FaultKind } from '@tilldrop/local-stripe/control-client';
import { request, startStack, type Stack } from '../../support/stack.ts';
import type { Commands } from './commands.ts';

/** Pages under this path are served with the strictest policy a site could pick. */
const STRICT_PAGES = '/test/widget/pages/';
const STRICT_CSP = "default-src 'self'";

export function tilldropStack(): {
  plugin: TestRunnerPlugin;
  middleware: (ctx: Context, next: Next) => Promise<void>;
} {
  const stacks = new Map<string, Stack>();
  let main: Stack | undefined;
  let pageOrigin = '';
  let silent: { server: Server; sockets: Set<Socket> } | undefined;

  const stackNamed = (id = 'main') => {
    const stack = stacks.get(id);
    if (!stack) throw new Error(`no stack ${id}`);
    return stack;
  };
  const describe = (id: string, stack: Stack) => ({
    id,
    apiUrl: stack.apiUrl,
    localStripeUrl: stack.localStripeUrl,
  });
  const start = (env: Record<string, string> = {}) =>
    startStack({ env: { ALLOWED_ORIGINS: pageOrigin, RATE_LIMIT_PER_MINUTE: '10000', ...env } });

  const handlers: {
    [C in keyof Commands]: (
      payload: Commands[C]['payload'],
      page: PageOf,
    ) => Promise<Commands[C]['result']>;
  } = {
    'tilldrop-stack': async ({ id = 'main' }) => describe(id, stackNamed(id)),

    'tilldrop-start-stack': async ({ env }) => {
      const stack = await start(env);
      const id = `extra-${stacks.size}`;
      stacks.set(id, stack);
      return describe(id, stack);
    },

    'tilldrop-stop-stack': async ({ id }) => {
      await stackNamed(id).close();
      stacks.delete(id);
      return true;
    },

    'tilldrop-token': async ({ userId, stack }) => stackNamed(stack).tokenFor(userId),

    'tilldrop-faults': async ({ stack, count, kind, path }) => {
      await stackNamed(stack).control.injectFaults({ count, kind: kind as FaultKind, path });
      return true;
    },

    'tilldrop-complete-session': async ({ stack, sessionId }) => {
      const result = await stackNamed(stack).control.completeSession(sessionId);
      if (!result.ok) throw new Error(`could not pay for ${sessionId}: ${result.message}`);
      return true;
    },

    // Buys a plan the way a buyer would, then waits for the webhook to grant it.
    'tilldrop-purchase': async ({ stack: id, userId, planId }) => {
      const stack = stackNamed(id);
      const token = await stack.tokenFor(userId);
      const created = await request(stack.apiUrl, 'POST', '/payment/checkout', {
        token,
        body: { planId },
      });
      if (created.status !== 200) throw new Error(`checkout answered ${created.status}`);
      const paid = await stack.control.completeSession(created.body.data.checkoutId);
      if (!paid.ok) throw new Error(`could not pay: ${paid.message}`);
      for (let attempt = 0; attempt < 100; attempt++) {
        const account = await request(stack.apiUrl, 'GET', '/api/subscription', { token });
        if (account.body?.entitlement) return true;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`the purchase of ${planId} was never recorded`);
    },

    // A server that takes connections and never answers: a request to it stays pending.
    'tilldrop-silent-server': async () => {
      if (!silent) {
        const sockets = new Set<Socket>();
        const server = createServer((socket) => sockets.add(socket));
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        silent = { server, sockets };
      }
      const address = silent.server.address() as { port: number };
      return { url: `http://127.0.0.1:${address.port}` };
    },

    // The frame is another origin's: only the browser's driver can type into it.
    'tilldrop-pay-embedded': async (_payload, page) => {
      let frame: ReturnType<PageOf['frames']>[number] | undefined;
      for (let attempt = 0; !frame && attempt < 200; attempt++) {
        frame = page.frames().find((candidate) => candidate.url().includes('/c/embedded/'));
        if (!frame) await new Promise((resolve) => setTimeout(resolve, 25));
      }
      if (!frame) throw new Error('no embedded checkout frame on the page');
      await frame.waitForSelector('input[name="cardNumber"]');
      const emailIsOpen = await frame.$eval('input[name="email"]', (input) => !input.readOnly);
      if (emailIsOpen) await frame.type('input[name="email"]', 'embedded@example.com');
      await frame.type('input[name="cardNumber"]', '4242 4242 4242 4242');
      await frame.type('input[name="cardExpiry"]', '12 / 34');
      await frame.type('input[name="cardCvc"]', '123');
      await frame.type('input[name="billingName"]', 'Embedded Buyer');
      await frame.click('.pay-button');
      return true;
    },

    'tilldrop-page-urls': async (_payload, page) =>
      (await page.browserContext().pages()).map((open) => open.url()),
  };

  const plugin: TestRunnerPlugin = {
    name: 'tilldrop-stack',

    async serverStart({ config }) {
      pageOrigin = `http://${config.hostname}:${config.port}`;
      main = await start();
      stacks.set('main', main);
    },

    async serverStop() {
      await Promise.all([...stacks.values()].map((stack) => stack.close()));
      stacks.clear();
      silent?.sockets.forEach((socket) => socket.destroy());
      silent?.server.close();
    },

    async executeCommand({ command, payload, session }) {
      if (!(command in handlers)) return undefined;
      const page = (session.browser as ChromeLauncher).getPage(session.id);
      const handler = handlers[command as keyof Commands] as (
        payload: unknown,
        page: PageOf,
      ) => Promise<unknown>;
      return handler(payload ?? {}, page);
    },
  };

  /**
   * Serves the API under the test page's own origin too, as a site that proxies Tilldrop would:
   * only then can a page under `default-src 'self'` reach it, and only then do cookies flow.
   */
  async function middleware(ctx: Context, next: Next): Promise<void> {
    if (ctx.path.startsWith(STRICT_PAGES)) ctx.set('Content-Security-Policy', STRICT_CSP);
    if (!main || !/^\/(api|payment)\//.test(ctx.path)) return next();
    const headers = new Headers();
    for (const [name, value] of Object.entries(ctx.headers)) {
      if (value !== undefined && name !== 'host') headers.set(name, String(value));
    }
    const hasBody = ctx.method !== 'GET' && ctx.method !== 'HEAD';
    const response = await fetch(new URL(ctx.url, main.apiUrl), {
      method: ctx.method,
      headers,
      body: hasBody ? await readBody(ctx.req) : undefined,
      redirect: 'manual',
    });
    ctx.status = response.status;
    response.headers.forEach((value, name) => {
      if (
        !['content-encoding', 'content-length', 'transfer-encoding', 'connection'].includes(name)
      ) {
        ctx.set(name, value);
      }
    });
    ctx.body = Buffer.from(await response.arrayBuffer());
  }

  return { plugin, middleware };
}

type PageOf = ReturnType<ChromeLauncher['getPage']>;

/** The widget only ever sends JSON. */
async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
