// The ceiling: plain node:http answering with a response captured from the real endpoint, the
// same status, headers and bytes, so only the work done to produce it differs.
import { createServer, type OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BareResponse {
  headers: OutgoingHttpHeaders;
  /** Base64, so any bytes survive the trip through the environment. */
  body: string;
}

const captured = JSON.parse(process.env.BARE_RESPONSE ?? '{}') as BareResponse;
const body = Buffer.from(captured.body ?? '', 'base64');
const headers = { ...captured.headers, 'content-length': body.length };

const server = createServer((_request, response) => {
  response.writeHead(200, headers);
  response.end(body);
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.send!({ ready: { url: `http://127.0.0.1:${port}` } });
});
process.once('disconnect', () => server.close(() => process.exit(0)));
