// `npm start`: reads the environment once, starts the API (and the local Stripe when no key is set).
import { existsSync } from 'node:fs';
import { ConfigError, parseEnv } from './config.ts';
import { createLogger, startServer } from './runtime.ts';
import { catalogForStart } from './services/demo-catalog.ts';

// No top-level await: the compiled server is bundled as CommonJS, which has none, so that it can
// start from V8's code cache (see server/compiled-main.ts).
async function main(): Promise<void> {
  // A person at a terminal reads lines; anything else (a log collector, a test) gets JSON, and
  // never loads the pretty-printer.
  const human = process.stdout.isTTY
    ? (await import('pino-pretty')).default({
        sync: true,
        colorize: true,
        ignore: 'pid,hostname,component,requestId,method,path,status,ms',
        messageFormat: (log, key) =>
          log.msg === 'request'
            ? `${log.method} ${log.path} ${log.status} ${log.ms} ms`
            : `${log.component ? `${log.component}: ` : ''}${log[key]}`,
      })
    : undefined;
  const logger = createLogger(process.env.LOG_LEVEL ?? 'info', human);

  try {
    // A `.env` file beside package.json is read if present; the real environment wins over it.
    if (existsSync('.env')) process.loadEnvFile('.env');
    const parsed = parseEnv(process.env);
    const env = { ...parsed, catalog: catalogForStart(parsed) };
    const running = await startServer(env, {
      // A child shares its parent's compiled redaction, which is slow to build, at a level of its own.
      logger: logger.child({}, { level: env.LOG_LEVEL }),
      // A demo that signs anyone in never runs in production, whatever else is configured; nor is
      // it loaded there.
      extraRoutes:
        env.NODE_ENV === 'production' ? undefined : (await import('./routes/demo.ts')).demoRoutes,
    });
    const mode = running.localStripe ? `local Stripe at ${running.localStripe.url}` : 'Stripe';
    process.stdout.write(
      `\nTilldrop is running against ${mode}.\nOpen ${running.url}/ to try the demo.\n\n`,
    );
    const stop = () => void running.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Tilldrop cannot start.\n${error.message}\n`);
      process.exit(1);
    }
    logger.fatal({ err: error }, 'Tilldrop failed to start');
    process.exit(1);
  }
}

void main();
