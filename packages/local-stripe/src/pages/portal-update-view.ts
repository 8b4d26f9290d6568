// The billing portal's deep link pages: confirm a plan change priced as it will be billed, or pick
// the plan first. Stripe hides the rest of the portal on them, so these pages show only the flow.
import type { PortalChoiceView, PortalPriceView, PortalUpdateView } from './flows.ts';
import { formatLongDate, formatMoney, perInterval, safeHref, siteName } from './format.ts';
import { html, type SafeHtml } from './html.ts';
import { ALERT, ARROW_LEFT } from './icons.ts';
import type { Page } from './layout.ts';
import { PORTAL_STYLES } from './portal-styles.ts';
import { portalPath } from './portal-view.ts';

const UPDATE_STYLES = `
.plan-row { display: flex; justify-content: space-between; gap: 16px; padding: 14px 0; border-bottom: 1px solid var(--line); }
.plan-row .label { color: var(--ink-muted); }
.plan-row .value { font-weight: 500; text-align: right; font-variant-numeric: tabular-nums; }
.plan-row.total .value { font-size: 18px; font-weight: 600; }
.update-note { margin-top: 16px; color: var(--ink-muted); }
.update-actions { margin-top: 24px; display: flex; gap: 12px; flex-wrap: wrap; }
.update-actions form { margin: 0; }
.choices { list-style: none; margin: 0; padding: 0; }
`;

const price = (p: PortalPriceView) =>
  `${p.productName}, ${formatMoney(p.unitAmount, p.currency)} ${perInterval(p.interval)}`;

function layout(
  view: { returnUrl: string | null },
  title: string,
  body: SafeHtml,
  error?: string,
): Page {
  const back = safeHref(view.returnUrl);
  return {
    title,
    styles: PORTAL_STYLES + UPDATE_STYLES,
    bodyClass: 'portal-page',
    body: html`<div class="portal-app">
      <aside class="portal-side" aria-label="Account">
        <div class="side-inner">
          <div class="side-top">
            ${back && html`<a class="back" href="${back}">${ARROW_LEFT}<span>Return to ${siteName(view.returnUrl)}</span></a>`}
            <span class="badge-test">TEST MODE</span>
          </div>
          <h1 class="side-title">${title}</h1>
          <p class="footer-note side-footer">Test mode: no real card is charged.</p>
        </div>
      </aside>
      <main class="portal-main">
        <div class="main-inner">
          ${error && html`<p class="alert portal-alert" role="alert">${ALERT}<span>${error}</span></p>`}
          ${body}
        </div>
      </main>
    </div>`,
  };
}

function row(label: string, value: string, extra = ''): SafeHtml {
  return html`<div class="plan-row ${extra}">
    <span class="label">${label}</span><span class="value">${value}</span>
  </div>`;
}

export function confirmUpdatePage(view: PortalUpdateView, error?: string): Page {
  const when = formatLongDate(view.effectiveAt);
  const body = html`<section class="portal-section" aria-labelledby="update-title">
    <h2 class="section-heading" id="update-title">Confirm your new plan</h2>
    ${row('Current plan', price(view.current))} ${row('New plan', price(view.next))}
    ${view.lines.map((line) => row(line.description, formatMoney(line.amount, view.currency)))}
    ${row(
      view.atPeriodEnd ? 'Due today' : 'Amount due today',
      formatMoney(view.amountDue, view.currency),
      'total',
    )}
    <p class="update-note">
      ${
        view.atPeriodEnd
          ? `Your plan changes on ${when}; you keep your current plan until then. Then you pay ${formatMoney(view.nextAmount, view.currency)}.`
          : `Your plan changes now. Your next payment of ${formatMoney(view.nextAmount, view.currency)} is on ${formatLongDate(view.nextRenewalAt)}.`
      }
    </p>
    <div class="update-actions">
      <form method="post" action="${portalPath(view.sessionId, '/flow/confirm')}">
        <input type="hidden" name="price" value="${view.next.priceId}" />
        <button class="button button-primary" type="submit">Confirm</button>
      </form>
    </div>
  </section>`;
  return layout(view, 'Update your plan', body, error);
}

export function choosePlanPage(view: PortalChoiceView, error?: string): Page {
  const body = html`<section class="portal-section" aria-labelledby="choose-title">
    <h2 class="section-heading" id="choose-title">Choose a plan</h2>
    ${row('Current plan', price(view.current))}
    ${
      view.options.length
        ? html`<ul class="choices">
            ${view.options.map(
              (option) =>
                html`<li class="plan-row">
                  <span class="label">${price(option)}</span>
                  <a
                    class="button button-secondary"
                    href="${portalPath(view.sessionId, `?price=${encodeURIComponent(option.priceId)}`)}"
                    >Select</a
                  >
                </li>`,
            )}
          </ul>`
        : html`<p class="empty">There is no other plan to switch to.</p>`
    }
  </section>`;
  return layout(view, 'Update your plan', body, error);
}

/** A flow that cannot go on (refused, expired): its reason, and the way back. */
export function flowMessagePage(view: { returnUrl: string | null }, message: string): Page {
  return layout(view, 'Update your plan', html``, message);
}
