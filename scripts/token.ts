// `npm run token -- <userId> [hours]`: prints an access token, as a site owner's backend would mint one.
import { ConfigError, parseTokenEnv } from '../server/config.ts';
import { AccessTokens } from '../server/http/auth.ts';

const USAGE =
  "Usage: AUTH_SECRET=<the server's secret, 32+ characters> npm run token -- <userId> [hours]\n" +
  '(ACCESS_TOKEN_AUDIENCE and ACCESS_TOKEN_MAX_AGE are read as the server reads them.)\n';

const [userId, hours = '1'] = process.argv.slice(2);
let env: ReturnType<typeof parseTokenEnv>;
try {
  env = parseTokenEnv(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n${USAGE}`);
  process.exit(1);
}
const lifetimeSeconds = Math.round(Number(hours) * 3600);
if (!userId || !env.AUTH_SECRET || !(lifetimeSeconds > 0)) {
  process.stderr.write(USAGE);
  process.exit(1);
}
// A longer token would be printed only to be refused by the server.
if (lifetimeSeconds > env.ACCESS_TOKEN_MAX_AGE) {
  process.stderr.write(
    `A token may live at most ACCESS_TOKEN_MAX_AGE (${env.ACCESS_TOKEN_MAX_AGE} s); ask for fewer hours.\n`,
  );
  process.exit(1);
}
const tokens = new AccessTokens(env.AUTH_SECRET, {
  audience: env.ACCESS_TOKEN_AUDIENCE,
  maxAgeSeconds: env.ACCESS_TOKEN_MAX_AGE,
});
process.stdout.write(`${await tokens.sign(userId, lifetimeSeconds)}\n`);
