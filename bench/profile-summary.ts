// `npx tsx bench/profile-summary.ts <file.cpuprofile|dir> [top]`: where a server's CPU time went,
// by area (Koa, zod, JWT, storage, the Stripe SDK, HTTP in and out…) and by function, from the
// V8 profiles BENCH_CPU_PROF=<dir> has each bench process write.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** First match wins: a file's area by its path. */
const AREAS: [string, RegExp][] = [
  [
    'Koa and its middleware packages',
    /node_modules\/(koa|@koa|koa-compose|raw-body|co-body|statuses|http-errors|accepts|type-is|mime|negotiator|content-type|cookies|vary|on-finished|fresh|encodeurl|escape-html|destroy|delegates|depd|only)\//,
  ],
  ['zod (validation)', /node_modules\/zod\//],
  ['jose (JWT)', /node_modules\/jose\//],
  ['Stripe SDK', /node_modules\/stripe\//],
  ['storage: better-sqlite3', /node_modules\/better-sqlite3\//],
  ['storage: pg', /node_modules\/(pg|pg-protocol|pg-pool|pg-types|pgpass|postgres-\w+)\//],
  ['storage: server/storage', /\/server\/storage\//],
  ['server/http (our middleware)', /\/server\/(http\/|app\.ts)/],
  ['server/services and routes', /\/server\/(services|routes|stripe)\//],
  ['shared/ (contracts)', /\/shared\//],
  ['pino (log)', /node_modules\/(pino|sonic-boom|fast-redact|thread-stream)/],
  ['node:http server (requests in)', /^node:_http_server$/],
  ['node:http client (requests to Stripe)', /^node:(_http_client|_http_agent|https)$/],
  [
    'node:http both ways (parser, headers, outgoing)',
    /^node:(_http_common|_http_outgoing|_http_incoming|http)$/,
  ],
  [
    'node: net, streams, timers',
    /^node:(net|stream|internal\/(streams|stream_base|net|timers)|timers|events|buffer|internal\/(buffer|event_target))/,
  ],
  ['node: crypto', /^node:(crypto|internal\/crypto)/],
  ['tsx loader', /node_modules\/tsx\//],
  ['local Stripe', /packages\/local-stripe\//],
];

const HTTP_SIDES = new Set([
  'node:http server (requests in)',
  'node:http client (requests to Stripe)',
]);

/** A package's or our own code's area, not node's or V8's. */
const ownCode = (area: string) =>
  !area.startsWith('node') &&
  !area.startsWith('V8') &&
  area !== 'garbage collector' &&
  area !== 'idle';

function areaOf(url: string, functionName: string): string {
  if (!url) {
    if (functionName === '(garbage collector)') return 'garbage collector';
    if (functionName === '(program)') return 'V8 and native (program)';
    if (functionName === '(idle)') return 'idle';
    return '';
  }
  for (const [area, pattern] of AREAS) if (pattern.test(url)) return area;
  if (url.startsWith('node:')) return 'node: other';
  return 'other';
}

function summarise(file: string, top: number): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parentOf.set(child, node.id);
  // A built-in (JSON.parse, a RegExp) has no URL: its time belongs to the code that called it.
  // The second view goes further: node's own frames (sockets, http, crypto) are charged to the
  // nearest package or file of ours up the stack, else to the http server or client they serve,
  // so a socket write counts for whoever sent the bytes.
  const where = (byCaller: boolean) => {
    const cache = new Map<number, string>();
    const resolve = (id: number): string => {
      const cached = cache.get(id);
      if (cached !== undefined) return cached;
      const { url, functionName } = byId.get(id)!.callFrame;
      const own = areaOf(url, functionName);
      let found = own;
      if (!own || (byCaller && url.startsWith('node:'))) {
        const parent = parentOf.get(id);
        const above = parent === undefined ? '' : resolve(parent);
        const rank = (name: string) =>
          !name || name.startsWith('V8') ? 0 : ownCode(name) ? 3 : HTTP_SIDES.has(name) ? 2 : 1;
        found =
          rank(above) >= rank(own) && rank(above) > 0 ? above : own || 'V8 and native (program)';
      }
      cache.set(id, found);
      return found;
    };
    return resolve;
  };
  const area = where(false);
  const caller = where(true);
  const selfTime = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });

  const areas = new Map<string, number>();
  const callers = new Map<string, number>();
  const functions = new Map<string, { area: string; micros: number }>();
  for (const [id, micros] of selfTime) {
    const node = byId.get(id)!;
    const at = area(id);
    areas.set(at, (areas.get(at) ?? 0) + micros);
    callers.set(caller(id), (callers.get(caller(id)) ?? 0) + micros);
    const { functionName, url, lineNumber, columnNumber } = node.callFrame;
    // tsx's output keeps a module on one line: its column says which function it is.
    const line = lineNumber === 0 ? `1:${columnNumber + 1}` : `${lineNumber + 1}`;
    const place = url ? `${url.replace(`file://${ROOT}`, '')}:${line}` : '(native)';
    const key = `${functionName || '(anonymous)'} ${place}`;
    const entry = functions.get(key) ?? { area: at, micros: 0 };
    entry.micros += micros;
    functions.set(key, entry);
  }
  const busy = [...areas].reduce((sum, [name, micros]) => sum + (name === 'idle' ? 0 : micros), 0);
  const share = (micros: number) => `${((100 * micros) / busy).toFixed(1).padStart(5)} %`;
  const ms = (micros: number) => `${(micros / 1000).toFixed(0).padStart(7)} ms`;

  console.log(`\n${relative(process.cwd(), file)}: ${ms(busy).trim()} busy`);
  const list = (title: string, totals: Map<string, number>) => {
    console.log(`\n${title}:`);
    for (const [name, micros] of [...totals].sort((a, b) => b[1] - a[1])) {
      if (name !== 'idle') console.log(`  ${share(micros)} ${ms(micros)}  ${name}`);
    }
  };
  list('by area, where the time was spent (share of busy time)', areas);
  list("by area, node's own work charged to its caller", callers);
  console.log(`\ntop ${top} functions by self time:`);
  for (const [name, { area: at, micros }] of [...functions]
    .filter(([, entry]) => entry.area !== 'idle')
    .sort((a, b) => b[1].micros - a[1].micros)
    .slice(0, top)) {
    console.log(`  ${share(micros)} ${ms(micros)}  ${name}  [${at}]`);
  }
}

const [target, topArg] = process.argv.slice(2);
if (!target) {
  console.error('Usage: npx tsx bench/profile-summary.ts <file.cpuprofile|dir> [top]');
  process.exit(1);
}
const files = statSync(target).isDirectory()
  ? readdirSync(target)
      .filter((name) => name.endsWith('.cpuprofile'))
      .map((name) => join(target, name))
  : [target];
for (const file of files) summarise(file, Number(topArg ?? 25));
