// `npm test`'s last step: no secret, key or token may appear in any log line of the test run.
import { existsSync, readFileSync } from 'node:fs';
import { TEST_AUTH_SECRET } from '../test/support/stack.ts';

const SECRETS: [string, RegExp][] = [
  ['a Stripe secret key', /\b[sr]k_(test|live)_[A-Za-z0-9]{4,}/],
  ['a webhook secret', /\bwhsec_[A-Za-z0-9]{8,}/],
  ['an access token', /\beyJ[\w-]{8,}\.[\w-]{8,}\./],
  ['the auth secret', new RegExp(TEST_AUTH_SECRET)],
  ['a server API key', /server-key-for-the-tests/],
  ['a card number', /\b4(000|242)\s?\d{4}\s?\d{4}\s?\d{4}\b/],
];

let lines = 0;
const leaks: string[] = [];
for (const file of process.argv.slice(2)) {
  if (!existsSync(file)) {
    console.error(`log scan: ${file} is missing: the tests wrote no log to scan`);
    process.exit(1);
  }
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    lines++;
    for (const [what, pattern] of SECRETS) {
      if (pattern.test(line))
        leaks.push(`${file}: ${what} in: ${line.slice(0, 200).replace(pattern, '[…]')}`);
    }
  }
}
if (leaks.length > 0) {
  console.error(
    `log scan: ${leaks.length} line(s) leak a secret:\n${leaks.slice(0, 20).join('\n')}`,
  );
  process.exit(1);
}
console.log(`log scan: ${lines} log lines, no secret, key or token in any`);
