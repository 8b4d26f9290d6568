// `npm run build`: what production runs, in build/. The server and the scripts a merchant runs
// beside it, compiled to JavaScript for plain `node`, and the widget's files it serves; then the
// widget's versioned URLs and SRI hashes, for a site that pins them.
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { readWidgetManifest } from '../server/routes/widget-assets.ts';

const OUT_DIR = 'build';
const TSC = fileURLToPath(import.meta.resolve('typescript/bin/tsc'));

await build();
// A source file removed since the last build must not live on as JavaScript.
rmSync(OUT_DIR, { recursive: true, force: true });
execFileSync(process.execPath, [TSC, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
// The compiled server looks for the widget beside itself, as the source one does beside server/.
cpSync('dist', `${OUT_DIR}/dist`, { recursive: true });

const manifest = await readWidgetManifest(`${OUT_DIR}/dist`);
console.log('\nThe widget at versioned URLs (also at GET /widget-manifest.json):');
for (const [path, { path: versioned, integrity }] of Object.entries(manifest)) {
  console.log(`  ${path.padEnd(11)} ${versioned}  integrity="${integrity}"`);
}
console.log(`\nStart it with: npm run start:prod (node ${OUT_DIR}/server/main.js)`);
