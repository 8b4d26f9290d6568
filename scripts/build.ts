// `npm run build`: what production runs, in build/. The server and the scripts a merchant runs
// beside it, compiled to JavaScript for plain `node`, the server then bundled into one file, and
// the widget's files it serves; then the widget's versioned URLs and SRI hashes, for a site that
// pins them.
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { writeCodeCache } from '../server/code-cache.ts';
import { readWidgetManifest } from '../server/routes/widget-assets.ts';

const OUT_DIR = 'build';
const TSC = fileURLToPath(import.meta.resolve('typescript/bin/tsc'));

await build();
// A source file removed since the last build must not live on as JavaScript.
rmSync(OUT_DIR, { recursive: true, force: true });
execFileSync(process.execPath, [TSC, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
await bundleServer(`${OUT_DIR}/server/main.js`, `${OUT_DIR}/server/main.cjs`);
// The compiled server looks for the widget beside itself, as the source one does beside server/.
cpSync('dist', `${OUT_DIR}/dist`, { recursive: true });

const manifest = await readWidgetManifest(`${OUT_DIR}/dist`);
console.log('\nThe widget at versioned URLs (also at GET /widget-manifest.json):');
for (const [path, { path: versioned, integrity }] of Object.entries(manifest)) {
  console.log(`  ${path.padEnd(11)} ${versioned}  integrity="${integrity}"`);
}
console.log(`\nStart it with: npm run start:prod (node ${OUT_DIR}/server/main.js)`);

/**
 * The compiled server and the packages it imports, bundled into main.cjs and a few pieces it
 * imports, with the V8 code cache of main.cjs beside it; `entry` becomes what starts it
 * (server/compiled-main.ts). Plain node resolves, reads and links each ES module on its own, and
 * the server's graph is some 700 of them (the Stripe SDK alone is over 200): most of a cold start
 * went to that, not to running them; then parsing and compiling the bundle was the biggest part
 * of what remained. CommonJS, because node 20 takes a code cache only for a script. Left out, and
 * imported at run time as before: the database drivers' native addons, the pretty-printer
 * (loaded only on a terminal) and the local Stripe (a dev dependency, never present in production).
 */
async function bundleServer(entry: string, bundle: string): Promise<void> {
  await build({
    configFile: false,
    logLevel: 'warn',
    build: {
      ssr: entry,
      outDir: dirname(bundle),
      emptyOutDir: false,
      target: 'node20',
      rolldownOptions: {
        external: ['better-sqlite3', 'pg-native', 'pino-pretty', '@tilldrop/local-stripe'],
        output: {
          format: 'cjs',
          // A package left out is loaded with require, even where the source imports it: the
          // bundle runs in a vm.Script, where import() needs Node's experimental VM modules. The
          // pretty-printer is CommonJS; the local Stripe, TypeScript, never loads in plain node.
          dynamicImportInCjs: false,
          entryFileNames: basename(bundle),
          // What is imported only when used (the body parser, the PostgreSQL driver, the demo)
          // goes to files of its own beside main.cjs, so a start never even reads it; beside it,
          // a path relative to import.meta.url (__filename here) means the same in every piece.
          chunkFileNames: 'main-[hash].cjs',
          // Without whitespace and comments there is less to read and parse at start; names
          // stay, so a stack trace in the log still names each function.
          minify: { mangle: false, compress: false },
          comments: false,
        },
        // depd, a dependency of Koa's, builds a wrapper with eval; it runs as it always did.
        checks: { eval: false },
      },
    },
    // Every package is bundled but the ones named above.
    ssr: { noExternal: true },
  });
  // Whether V8 takes it is for another process to say (test/server/production-build.test.ts):
  // this one would answer from its memory of what it has just compiled.
  writeCodeCache(bundle);
  await build({
    configFile: false,
    logLevel: 'warn',
    build: {
      ssr: 'server/compiled-main.ts',
      outDir: dirname(entry),
      emptyOutDir: false,
      target: 'node20',
      rolldownOptions: { output: { entryFileNames: basename(entry) } },
    },
  });
}
