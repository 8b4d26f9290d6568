// Our whole Koa stack answering GET /api/plans, beside bare node:http sending the same bytes.
import type { BareResponse } from './bare.ts';
import { load, type LoadResult } from './load.ts';
import { startChild, type Tilldrop } from './processes.ts';
import type { Row } from './report.ts';
import { figure, repeat } from './stats.ts';

const PER_CONNECTION = new Set(['date', 'connection', 'keep-alive', 'content-length']);

export interface KoaOptions {
  runs: number;
  seconds: number;
  connections: number;
}

export async function koaVsBareBench(server: Tilldrop, options: KoaOptions): Promise<Row[]> {
  const plansUrl = `${server.apiUrl}/api/plans`;
  // The first answer loads the prices from Stripe; every later one comes from the price cache.
  const response = await fetch(plansUrl);
  if (!response.ok) throw new Error(`GET /api/plans answered ${response.status}`);
  const body = Buffer.from(await response.arrayBuffer());
  // Node writes Date, Connection and Keep-Alive itself; everything else is sent as captured.
  const headers = Object.fromEntries(
    [...response.headers].filter(([name]) => !PER_CONNECTION.has(name)),
  );
  const captured: BareResponse = { headers, body: body.toString('base64') };
  const bare = await startChild<{ url: string }>('./bare.ts', {
    BARE_RESPONSE: JSON.stringify(captured),
  });
  try {
    const c = options.connections;
    const run = (label: string, url: string, seconds: number) =>
      load(`GET /api/plans, ${c} conn · ${label}`, { url, connections: c, duration: seconds });
    const koa = (seconds: number) => run('Koa stack', plansUrl, seconds);
    const plain = (seconds: number) =>
      run('same response, bare node:http', `${bare.ready.url}/api/plans`, seconds);
    await koa(1);
    await plain(1);
    const pairs = await repeat(options.runs, async (index) => {
      // Alternate which goes first, so drift on a noisy machine does not favour one.
      let k: LoadResult, b: LoadResult;
      if (index % 2) {
        b = await plain(options.seconds);
        k = await koa(options.seconds);
      } else {
        k = await koa(options.seconds);
        b = await plain(options.seconds);
      }
      return { koa: k, bare: b };
    });
    const ratio = figure(pairs.map((pair) => (100 * pair.koa.perSecond) / pair.bare.perSecond));
    return [
      {
        name: `GET /api/plans, ${c} conn · Koa stack`,
        unit: 'req/s',
        value: figure(pairs.map((pair) => pair.koa.perSecond)),
        note: `${body.length} B of JSON, ${Object.keys(headers).length} headers`,
      },
      {
        name: `GET /api/plans, ${c} conn · same response, bare node:http`,
        unit: 'req/s',
        value: figure(pairs.map((pair) => pair.bare.perSecond)),
      },
      {
        name: `GET /api/plans, ${c} conn · Koa / bare node:http`,
        unit: '%',
        value: ratio,
        target: '≥ 60%',
        met: ratio.median >= 60,
      },
      {
        name: `GET /api/plans, ${c} conn · Koa stack p99`,
        unit: 'ms',
        value: figure(pairs.map((pair) => pair.koa.p99)),
      },
    ];
  } finally {
    await bare.stop();
  }
}
