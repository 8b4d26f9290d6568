// The ceiling for any Koa app: Koa itself with one middleware sending the response captured from
// the real endpoint (same status, headers and bytes), so what it costs beside bare.ts is Koa's own
// per-request machinery and nothing of ours.
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import type { BareResponse } from './bare.ts';

const captured = JSON.parse(process.env.BARE_RESPONSE ?? '{}') as BareResponse;
const body = Buffer.from(captured.body ?? '', 'base64');
const headers = Object.fromEntries(
  Object.entries(captured.headers).map(([name, value]) => [name, String(value)]),
);

const app = new Koa();
app.use((ctx) => {
  ctx.set(headers);
  ctx.body = body;
});
const server = app.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.send!({ ready: { url: `http://127.0.0.1:${port}` } });
});
process.once('disconnect', () => server.close(() => process.exit(0)));
