// The compiled server is one CommonJS bundle run through vm.Script with a V8 code cache: the
// bytecode of its functions, written by `npm run build`, so a start deserialises it instead of
// parsing and compiling 1.4 MB of JavaScript. Node 20 has no other way to give V8 a cache for
// code it did not ship: ES modules take none (`module.enableCompileCache` is Node 22), and its
// CommonJS loader makes none. https://nodejs.org/docs/latest-v20.x/api/vm.html#scriptcreatecacheddata
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { dirname } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';

/** Where the cache of a bundle lives: beside it. */
export const codeCacheOf = (bundle: string) => `${bundle}.cache`;

/** The bundle as node's CommonJS loader would compile it, in the wrapper that module code expects. */
function compile(bundle: string, cachedData?: Buffer): Script {
  return new Script(
    `(function (exports, require, module, __filename, __dirname) {${readFileSync(bundle, 'utf8')}\n})`,
    // No import() runs in it (scripts/build.ts makes each a require): Node 20 runs one in a
    // vm.Script only under --experimental-vm-modules, or with an experimental warning.
    { filename: bundle, cachedData },
  );
}

/**
 * Writes the bundle's code cache with every function in it. V8 compiles a function only when it
 * is first called, and a cache holds only what was compiled, so the bundle is compiled eagerly:
 * then a start runs none of V8's compiler for it. V8 refuses a cache made under flags other than
 * its own, so laziness is back on before the cache is made.
 */
export function writeCodeCache(bundle: string): void {
  setFlagsFromString('--no-lazy');
  let script: Script;
  try {
    script = compile(bundle);
  } finally {
    setFlagsFromString('--lazy');
  }
  writeFileSync(codeCacheOf(bundle), script.createCachedData());
}

/**
 * Whether V8 takes the bundle's cache: it refuses one made by another V8, under other flags or for
 * another source. Only in a process that has not compiled the bundle already, which V8 would
 * answer from memory, cache or not.
 */
export function codeCacheAccepted(bundle: string): boolean {
  return !compile(bundle, readFileSync(codeCacheOf(bundle))).cachedDataRejected;
}

/**
 * Runs the bundle as node runs a CommonJS module, from its code cache. Without a cache V8 will
 * take (a missing file, or one written by another Node), it still runs, only compiled as it goes.
 */
export function runBundle(bundle: string): void {
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(codeCacheOf(bundle));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const script = compile(bundle, cachedData);
  if (!cachedData || script.cachedDataRejected) {
    process.emitWarning(
      `${codeCacheOf(bundle)} is ${cachedData ? `for another bundle or another Node than ${process.version}` : 'missing'}: ` +
        'the server starts without it, more slowly, until npm run build writes it again',
    );
  }
  // Registered in require's cache as node's loader would: the pieces loaded on first use require
  // the bundle for what they share with it, and must get this instance, not a second server.
  const require = createRequire(bundle);
  const module = new Module(bundle);
  module.filename = bundle;
  require.cache[bundle] = module;
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run(module.exports, require, module, bundle, dirname(bundle));
  module.loaded = true;
}
