// `npm run token -- <userId> [hours]`: prints an access token, as a site owner's backend would mint one.
import { AccessTokens } from '../server/http/auth.ts';

const [userId, hours = '1'] = process.argv.slice(2);
const secret = process.env.AUTH_SECRET;
if (!userId || !secret || secret.length < 32 || !(Number(hours) > 0)) {
  process.stderr.write(
    "Usage: AUTH_SECRET=<the server's secret, 32+ characters> npm run token -- <userId> [hours]\n",
  );
  process.exit(1);
}
process.stdout.write(
  `${await new AccessTokens(secret).sign(userId, Math.round(Number(hours) * 3600))}\n`,
);
