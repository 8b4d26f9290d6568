// README's table of error codes is what clients code against, so it must list every code the API
// can answer with, at its status, and no code the API no longer has.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { ERRORS } from '../../shared/index.ts';

async function readmeCodes(): Promise<Map<string, string>> {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(
    readme.indexOf('### Error codes'),
    readme.indexOf('### Rate limits'),
  );
  const rows = [...section.matchAll(/^\| `(\w+)` +\| ([^|]+?) +\|/gm)];
  return new Map(rows.map(([, code, status]) => [code!, status!]));
}

describe('README error codes', () => {
  it('lists every code in shared/errors.ts with its status, and nothing else', async () => {
    const listed = await readmeCodes();
    assert.deepEqual([...listed.keys()].sort(), Object.keys(ERRORS).sort());
    for (const [code, definition] of Object.entries(ERRORS)) {
      assert.match(listed.get(code)!, new RegExp(`^${definition.status}\\b`), code);
    }
  });
});
