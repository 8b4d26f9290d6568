// The compiled server, as `npm run start:prod` runs it: built when missing or stale.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** What `npm run start:prod` runs. */
export const COMPILED_ENTRY = 'build/server/main.js';

/** Runs `npm run build` when the compiled server is missing or older than what it is built from. */
export function ensureCompiled(): 'existing build' | 'fresh build' {
  const entry = join(ROOT, COMPILED_ENTRY);
  const newestSource = Math.max(
    ...['server', 'shared'].flatMap((dir) => sourceTimes(join(ROOT, dir))),
    // The build script decides what the compiled server is (it bundles it), so it counts too.
    ...['tsconfig.json', 'tsconfig.build.json', 'scripts/build.ts'].map(
      (file) => statSync(join(ROOT, file)).mtimeMs,
    ),
  );
  if (existsSync(entry) && statSync(entry).mtimeMs >= newestSource) return 'existing build';
  // Its output goes to stderr with the progress lines: stdout is the table.
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 2, 'inherit'],
  });
  return 'fresh build';
}

function sourceTimes(dir: string): number[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => statSync(join(entry.parentPath, entry.name)).mtimeMs);
}
