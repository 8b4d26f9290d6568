// The document shell and the headers every hosted page is sent with.
import { randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import { html, trusted, type SafeHtml } from './html.ts';
import { BASE_STYLES } from './styles.ts';

export interface Page {
  title: string;
  /** Page-specific CSS, appended to the shared base. */
  styles: string;
  bodyClass: string;
  body: SafeHtml;
  /** Constant script text from this directory, run under the response's nonce. */
  script?: string;
}

/** Who may frame a page: nobody unless a page says so (the embedded checkout). */
export interface Framing {
  /** The CSP `frame-ancestors` sources. */
  frameAncestors: string;
}

function scriptElement(script: string, nonce: string): SafeHtml {
  // The nonce is base64 and the script constant text, so neither needs escaping.
  return trusted(`<script nonce="${nonce}">${script}</script>`);
}

function renderDocument(page: Page, nonce: string): string {
  return `<!doctype html>${html`<html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="robots" content="noindex" />
      <title>${page.title}</title>
      <link rel="icon" href="data:," />
      <style nonce="${nonce}">
        ${trusted(BASE_STYLES + page.styles)}
      </style>
    </head>
    <body class="${page.bodyClass}">
      ${page.body} ${page.script && scriptElement(page.script, nonce)}
    </body>
  </html>`}`;
}

/**
 * The pages need no script to work: forms post and the server redirects. So the policy allows
 * nothing but this response's own stylesheet, and its own script where a page has one.
 * `form-action` is left out on purpose: a successful payment 303s to the merchant's success_url,
 * and browsers check redirects against it too.
 */
function contentSecurityPolicy(nonce: string, page: Page, framing: Framing | null): string {
  return [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    ...(page.script ? [`script-src 'nonce-${nonce}'`] : []),
    'img-src data:',
    "base-uri 'none'",
    `frame-ancestors ${framing?.frameAncestors ?? "'none'"}`,
  ].join('; ');
}

export function sendPage(
  ctx: Context,
  status: number,
  page: Page,
  framing: Framing | null = null,
): void {
  const nonce = randomBytes(16).toString('base64');
  ctx.status = status;
  ctx.set({
    'Content-Security-Policy': contentSecurityPolicy(nonce, page, framing),
    // Older browsers know only this header, which can forbid framing but not allow a list.
    ...(framing ? {} : { 'X-Frame-Options': 'DENY' }),
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    // A payment page must never come back from a cache with someone's email in it.
    'Cache-Control': 'no-store',
  });
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = renderDocument(page, nonce);
}
