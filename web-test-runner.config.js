// Browser tests for the widget, in Debian's Chromium against a real Tilldrop stack.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { tsImport } from 'tsx/esm/api';

const { tilldropStack } = await tsImport('./test/widget/support/stack-plugin.ts', import.meta.url);
const { CHROMIUM_PATH, CHROMIUM_FLAGS } = await tsImport(
  './test/support/chromium.ts',
  import.meta.url,
);
const stack = tilldropStack();

export default {
  files: 'test/widget/**/*.test.ts',
  nodeResolve: true,
  // Test files share one stack and the local Stripe's fault injection: one file at a time.
  concurrency: 1,
  // Ten files against one stack, one at a time, on a 2-core machine: the default 120 s is tight.
  testsFinishTimeout: 600000,
  testFramework: { config: { timeout: 10000 } },
  middleware: [stack.middleware],
  plugins: [esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' }), stack.plugin],
  // `lang` pins number formatting, so prices read "$190/year" whatever the machine's locale.
  testRunnerHtml: (testFramework) =>
    `<!doctype html><html lang="en"><head><meta charset="utf-8"></head>` +
    `<body><script type="module" src="${testFramework}"></script></body></html>`,
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: CHROMIUM_PATH,
        // The launcher adds its own headless switch.
        headless: true,
        args: CHROMIUM_FLAGS.filter((flag) => flag !== '--headless'),
      },
    }),
  ],
};
