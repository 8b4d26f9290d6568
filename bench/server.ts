// The server under test, in a process of its own so the load generator never shares its event
// loop. Configured through the environment like `npm start`; reports its address over IPC.
import pino from 'pino';
import { parseEnv } from '../server/config.ts';
import { startServer } from '../server/runtime.ts';
import { widgetPageRoutes } from './widget-page.ts';

export interface ServerReady {
  apiUrl: string;
}

const env = parseEnv(process.env);
const running = await startServer(env, {
  logger: pino({ level: env.LOG_LEVEL }),
  extraRoutes: () => [widgetPageRoutes()],
});
const ready: ServerReady = { apiUrl: running.url };
process.send!({ ready });
process.once('disconnect', () => void running.close().then(() => process.exit(0)));
