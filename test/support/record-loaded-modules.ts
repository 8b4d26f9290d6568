// Preloaded with `node --import tsx --import <this file>`: appends the URL of every module the
// process loads to the file named by LOADED_MODULES_FILE, so a test can tell what a start loaded.
import { register } from 'node:module';

// Loader hooks run in a thread of their own, from a module of plain JavaScript.
const hooks = `
import { appendFileSync } from 'node:fs';
let file;
export function initialize(data) {
  file = data.file;
}
export async function load(url, context, nextLoad) {
  appendFileSync(file, url + '\\n');
  return nextLoad(url, context);
}`;

const file = process.env.LOADED_MODULES_FILE;
if (!file) throw new Error('record-loaded-modules: LOADED_MODULES_FILE is not set');
register(`data:text/javascript,${encodeURIComponent(hooks)}`, { data: { file } });
