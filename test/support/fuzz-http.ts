// A raw HTTP client for hostile requests: any method, an unnormalized path, headers repeated in
// the order given, and bytes for a body. `fetch` would clean most of that up before sending it.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';

export interface RawRequest {
  method: string;
  path: string;
  headers?: [string, string][];
  body?: string | Buffer;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

export function send(baseUrl: string, raw: RawRequest): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const body = raw.body === undefined ? undefined : Buffer.from(raw.body);
  const headers = [['Host', url.host], ...(raw.headers ?? [])];
  if (body && !headers.some(([name]) => name.toLowerCase() === 'content-length')) {
    headers.push(['Content-Length', String(body.length)]);
  }
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: raw.method,
        path: raw.path,
        headers: headers.flat(),
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode!,
            headers: response.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/**
 * Writes bytes straight to a socket, as a broken or malicious client would, and returns the status
 * of the first answer, or null when the server closes the connection or keeps waiting for more.
 */
export function sendBytes(baseUrl: string, bytes: Buffer): Promise<number | null> {
  const url = new URL(baseUrl);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    // Not `end()`: Node closes a half-closed connection without answering what it read.
    const socket = connect(Number(url.port), url.hostname, () => socket.write(bytes));
    socket.setTimeout(150, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      socket.setTimeout(20);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const head = /^HTTP\/1\.[01] (\d{3})/.exec(Buffer.concat(chunks).toString('latin1'));
      resolve(head ? Number(head[1]) : null);
    });
  });
}
