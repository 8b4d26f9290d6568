// The one-message pages: expired or paid sessions, and ids that lead nowhere.
import { html } from './html.ts';
import { ALERT } from './icons.ts';
import { safeHref, siteName } from './format.ts';
import type { Page } from './layout.ts';

const MESSAGE_STYLES = `
.message {
  max-width: 440px;
  margin: 0 auto;
  padding: 96px 24px 48px;
  text-align: center;
}
.message-icon {
  display: inline-flex;
  width: 48px; height: 48px;
  align-items: center; justify-content: center;
  border-radius: 50%;
  background: var(--surface);
  color: var(--ink-muted);
  margin-bottom: 20px;
}
.message-icon svg { width: 22px; height: 22px; }
.message h1 { font-size: 22px; font-weight: 600; letter-spacing: -0.01em; margin-bottom: 8px; }
.message p { color: var(--ink-muted); font-size: 15px; margin-bottom: 28px; }
.message .badge-test { margin-bottom: 24px; }
`;

export interface Message {
  title: string;
  heading: string;
  text: string;
  /** Where the buyer goes next; shown only for an http(s) URL. */
  linkUrl?: string | null;
}

export function messagePage({ title, heading, text, linkUrl = null }: Message): Page {
  const href = safeHref(linkUrl);
  return {
    title,
    styles: MESSAGE_STYLES,
    bodyClass: 'message-page',
    body: html`<main class="message">
      <p><span class="badge-test">TEST MODE</span></p>
      <span class="message-icon">${ALERT}</span>
      <h1>${heading}</h1>
      <p>${text}</p>
      ${href && html`<a class="button button-primary" href="${href}">Return to ${siteName(href)}</a>`}
    </main>`,
  };
}

export function notFoundPage(what: string): Page {
  return messagePage({
    title: 'Page not found',
    heading: 'Page not found',
    text: `This ${what} does not exist. Check the link you followed.`,
  });
}
