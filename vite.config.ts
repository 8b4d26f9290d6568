import { build, defineConfig, parseAst, type Plugin } from 'vite';

/** What a click does (widget/checkout/), which both builds import from beside themselves. */
const CHECKOUT_ENTRY = 'widget/checkout/index.ts';
const CHECKOUT_MODULE = 'widget-checkout.mjs';

// Two builds of the widget, Lit included: an ES module (served at /widget.mjs) and a classic
// script for a plain <script src> (served at /widget.js). Beside them, the module with what a
// click does (/widget-checkout.mjs), fetched only when a buyer is about to click.
export default defineConfig({
  plugins: [collapseTemplateWhitespace(), checkoutModule()],
  build: {
    target: 'es2022',
    emptyOutDir: true,
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

/**
 * A classic script cannot be split into chunks, so the click's code is a build of its own, made
 * once the widget's are written, and each build imports it by its file name. It takes what it
 * needs from the element as arguments rather than importing another copy of it.
 */
function checkoutModule(): Plugin {
  let built = false;
  return {
    name: 'checkout-module',
    apply: 'build',
    resolveDynamicImport(specifier, importer) {
      if (specifier === './checkout/index.ts' && importer?.endsWith('/widget/departure.ts')) {
        return { id: `./${CHECKOUT_MODULE}`, external: true };
      }
      return null;
    },
    async closeBundle() {
      if (built) return;
      built = true;
      await build({
        configFile: false,
        logLevel: 'warn',
        plugins: [collapseTemplateWhitespace()],
        build: {
          target: 'es2022',
          emptyOutDir: false,
          lib: { entry: CHECKOUT_ENTRY, formats: ['es'], fileName: () => CHECKOUT_MODULE },
          rolldownOptions: {
            output: { minify: true, comments: false, generatedCode: { symbols: false } },
            optimization: { inlineConst: true },
          },
        },
      });
    },
  };
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
