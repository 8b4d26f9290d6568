// Our whole Koa stack answering GET /api/plans, beside bare node:http sending the same bytes and
// beside Koa with one middleware sending them, the most any Koa app could reach.
import type { BareResponse } from './bare.ts';
import { load } from './load.ts';
import { startChild, type Tilldrop } from './processes.ts';
import type { Row } from './report.ts';
import { alternating, figure } from './stats.ts';

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
  const minimalKoa = await startChild<{ url: string }>('./bare-koa.ts', {
    BARE_RESPONSE: JSON.stringify(captured),
  });
  try {
    const c = options.connections;
    const label = (side: string) => `GET /api/plans, ${c} conn · ${side}`;
    const run = (side: string, url: string) => (round: number) =>
      load(label(side), { url, connections: c, duration: round < 0 ? 1 : options.seconds });
    // A warm-up of each, then rounds each starting one server later, so drift favours none.
    const rounds = await alternating(options.runs, [
      run('Koa stack', plansUrl),
      run('same response, bare node:http', `${bare.ready.url}/api/plans`),
      run('same response, one Koa middleware', `${minimalKoa.ready.url}/api/plans`),
    ]);
    const share = (of: number, to: number) =>
      figure(rounds.map((round) => (100 * round[of]!.perSecond) / round[to]!.perSecond));
    const ratio = share(0, 1);
    const perSecond = (index: number) => figure(rounds.map((round) => round[index]!.perSecond));
    return [
      {
        name: label('Koa stack'),
        unit: 'req/s',
        value: perSecond(0),
        note: `${body.length} B of JSON, ${Object.keys(headers).length} headers`,
      },
      { name: label('same response, bare node:http'), unit: 'req/s', value: perSecond(1) },
      { name: label('same response, one Koa middleware'), unit: 'req/s', value: perSecond(2) },
      {
        name: label('one Koa middleware / bare node:http'),
        unit: '%',
        value: share(2, 1),
        note: 'the ceiling for any Koa app',
      },
      {
        name: label('Koa stack / one Koa middleware'),
        unit: '%',
        value: share(0, 2),
      },
      {
        name: label('Koa / bare node:http'),
        unit: '%',
        value: ratio,
        target: '≥ 60%',
        met: ratio.median >= 60,
      },
      {
        name: label('Koa stack p99'),
        unit: 'ms',
        value: figure(rounds.map((round) => round[0]!.p99)),
      },
    ];
  } finally {
    await Promise.all([bare.stop(), minimalKoa.stop()]);
  }
}
