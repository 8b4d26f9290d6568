import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build, defineConfig, parseAst, type Plugin, type Rolldown } from 'vite';

/** What a click does (widget/checkout/), which both builds import from beside themselves. */
const CHECKOUT_ENTRY = 'widget/checkout/index.ts';
/** `widget-checkout.<hash>.mjs`, and the unhashed name the builds before hashing imported. */
const CHECKOUT_MODULE_FILE = /^widget-checkout(\.[0-9a-f]{16})?\.mjs$/;
/**
 * Earlier builds' checkout modules kept in dist/ beside the current one, newest first. A browser
 * may run a cached /widget.js for up to eight days (a day fresh, a week stale-while-revalidate) and
 * a pinned /widget.<hash>.js for a year, and either imports the module built with it; a module
 * changes only when widget/checkout/ (or what it imports) does, so five cover a week or more of
 * releases at some 14 KB each, without dist/ growing with every build ever made.
 */
const EARLIER_CHECKOUT_MODULES_KEPT = 5;

// Two builds of the widget, Lit included: an ES module (served at /widget.mjs) and a classic
// script for a plain <script src> (served at /widget.js). Beside them, the module with what a
// click does (/widget-checkout.<hash>.mjs), fetched only when a buyer is about to click.
export default defineConfig({
  plugins: [collapseTemplateWhitespace(), checkoutModule()],
  build: {
    target: 'es2022',
    // The checkout module plugin empties dist/ itself, all but the earlier builds' modules.
    emptyOutDir: false,
    lib: {
      entry: 'widget/index.ts',
      formats: ['es', 'iife'],
      name: 'Tilldrop',
      fileName: (format) => (format === 'es' ? 'checkout-button.js' : 'checkout-button.classic.js'),
    },
    rolldownOptions: {
      // Library mode keeps ES output readable for other bundlers, with the annotations they
      // tree-shake by; ours goes straight to browsers, which need neither.
      output: { minify: true, comments: false, generatedCode: { symbols: false } },
      // The classic script finds its origin through document.currentScript; import.meta.url,
      // which becomes undefined there, is only the module build's fallback.
      checks: { emptyImportMeta: false },
      // Each imported constant (an API path, the promotion-code rule) is written where it is used.
      optimization: { inlineConst: true },
    },
  },
});

/** The checkout module as built, named by its bytes the way the server names its versioned URLs. */
interface BuiltCheckoutModule {
  fileName: string;
  code: string;
}

/**
 * A classic script cannot be split into chunks, so the click's code is a build of its own, made
 * before the widget's, and each build imports it by the name of its content: a browser holding an
 * older widget (cached, or pinned to its versioned URL) imports the module built with it, never a
 * newer one that may not fit the element it was not built with. The module takes what it needs
 * from the element as arguments rather than importing another copy of it. A pinned script's SRI
 * does not reach the module: checking it (a modulepreload with its integrity before the import)
 * costs some 110 B gzipped that the classic script's budget lacks, as README says.
 */
function checkoutModule(): Plugin {
  let outDir = 'dist';
  // Both formats' builds import the one module, built once.
  let built: Promise<BuiltCheckoutModule> | undefined;
  return {
    name: 'checkout-module',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    async buildStart() {
      built ??= buildCheckoutModule().then((module) => {
        keepOnlyEarlierCheckoutModules(outDir, module.fileName);
        return module;
      });
      await built;
    },
    async resolveDynamicImport(specifier, importer) {
      if (specifier === './checkout/index.ts' && importer?.endsWith('/widget/departure.ts')) {
        return { id: `./${(await built!).fileName}`, external: true };
      }
      return null;
    },
    async generateBundle() {
      const { fileName, code } = await built!;
      this.emitFile({ type: 'asset', fileName, source: code });
    },
  };
}

async function buildCheckoutModule(): Promise<BuiltCheckoutModule> {
  const output = (await build({
    configFile: false,
    logLevel: 'warn',
    plugins: [collapseTemplateWhitespace()],
    build: {
      target: 'es2022',
      write: false,
      lib: { entry: CHECKOUT_ENTRY, formats: ['es'], fileName: () => 'widget-checkout.mjs' },
      rolldownOptions: {
        output: { minify: true, comments: false, generatedCode: { symbols: false } },
        optimization: { inlineConst: true },
      },
    },
  })) as Rolldown.RolldownOutput[];
  const { code } = output[0]!.output[0];
  // The first 8 bytes of the SHA-384, in hex, as server/routes/widget-assets.ts checks them.
  const version = createHash('sha384').update(code).digest().subarray(0, 8).toString('hex');
  return { fileName: `widget-checkout.${version}.mjs`, code };
}

/**
 * Empties `outDir` as vite would, but for the current checkout module and the newest earlier ones,
 * which keep their modification times: the order they were built in. The build then writes the
 * current one, so a module built again becomes the newest.
 */
function keepOnlyEarlierCheckoutModules(outDir: string, current: string): void {
  mkdirSync(outDir, { recursive: true });
  const files = readdirSync(outDir).map((name) => {
    const path = join(outDir, name);
    return { path, name, builtAt: statSync(path).mtimeMs };
  });
  const kept = files
    .filter(({ name }) => CHECKOUT_MODULE_FILE.test(name) && name !== current)
    .sort((a, b) => b.builtAt - a.builtAt)
    .slice(0, EARLIER_CHECKOUT_MODULES_KEPT);
  for (const { path, name } of files) {
    if (name !== current && !kept.some((module) => module.path === path)) {
      rmSync(path, { recursive: true, force: true });
    }
  }
}

/**
 * Lit keeps its css`` and html`` templates as written, indentation included, and every buyer
 * downloads it. A run of whitespace that breaks a line becomes one space: the same styles and,
 * outside <pre>, the same rendering.
 */
function collapseTemplateWhitespace(): Plugin {
  return {
    name: 'collapse-template-whitespace',
    // After TypeScript is compiled away, so the code parses as JavaScript.
    enforce: 'post',
    transform(code, id) {
      if (!id.includes('/widget/')) return null;
      const edits: { start: number; end: number; text: string }[] = [];
      // The styles' private custom properties (`--_accent`), named in full in the source and
      // shortly in the build: no page can set them, and every buyer downloads their names.
      const privateNames = new Map<string, string>();
      const shortName = (name: string) => {
        if (!privateNames.has(name)) privateNames.set(name, `--_${privateNames.size.toString(36)}`);
        return privateNames.get(name)!;
      };
      visit(parseAst(code), (node) => {
        if (node.type !== 'TaggedTemplateExpression') return;
        const tag = node.tag as { type: string; name?: string };
        if (tag.type !== 'Identifier' || (tag.name !== 'css' && tag.name !== 'html')) return;
        for (const quasi of (node.quasi as { quasis: Node[] }).quasis) {
          // A line break before the end of a tag is no text at all.
          let text = code
            .slice(quasi.start, quasi.end)
            .replace(/\s*\n\s*(\/?>)/g, '$1')
            .replace(/\s*\n\s*/g, ' ');
          // In CSS no space around braces, semicolons and commas, or after a colon, means anything,
          // and neither do the last semicolon of a block or quotes around a
          // word in an attribute selector.
          if (tag.name === 'css') {
            text = text
              .replace(/\s*([{};,])\s*/g, '$1')
              .replace(/:\s+/g, ':')
              .replace(/;}/g, '}')
              .replace(/=(['"])([\w-]+)\1\]/g, '=$2]')
              .replace(/--_[\w-]+/g, shortName);
          } else {
            // Nor do quotes around an attribute's one-word value (`part=price`), as HTML parses it.
            text = text.replace(/(\s[\w-]+)="([\w-]+)"(?=[\s>])/g, '$1=$2');
          }
          edits.push({ start: quasi.start, end: quasi.end, text });
        }
      });
      let collapsed = code;
      for (const { start, end, text } of edits.sort((a, b) => b.start - a.start)) {
        collapsed = collapsed.slice(0, start) + text + collapsed.slice(end);
      }
      return { code: collapsed, map: null };
    },
  };
}

interface Node {
  type: string;
  start: number;
  end: number;
  [key: string]: unknown;
}

function visit(value: unknown, onNode: (node: Node) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) visit(item, onNode);
  } else if (value && typeof value === 'object') {
    if ('type' in value) onNode(value as Node);
    for (const child of Object.values(value)) visit(child, onNode);
  }
}
