// `npm run start:prod` runs this as build/server/main.js: the server bundled by `npm run build`
// into main.cjs beside it, started from the code cache the build wrote (see code-cache.ts).
import { fileURLToPath } from 'node:url';
import { runBundle } from './code-cache.ts';

runBundle(fileURLToPath(new URL('./main.cjs', import.meta.url)));
