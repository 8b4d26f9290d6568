// The billing portal page: the customer's plans with cancel and renew, and their invoices.
import type { PortalInvoiceView, PortalPageView, PortalSubscriptionView } from './flows.ts';
import { html, type SafeHtml } from './html.ts';
import { ALERT, ARROW_LEFT } from './icons.ts';
import {
  capitalize,
  formatLongDate,
  formatMoney,
  formatShortDate,
  perInterval,
  safeHref,
  siteName,
} from './format.ts';
import type { Page } from './layout.ts';
import { PORTAL_STYLES } from './portal-styles.ts';

export function portalPath(portalSessionId: string, suffix = ''): string {
  return `/p/session/${encodeURIComponent(portalSessionId)}${suffix}`;
}

const STATUS_LABELS: Record<string, string> = {
  trialing: 'Trial',
  past_due: 'Past due',
  incomplete_expired: 'Expired',
};

// Cancel and renew only make sense while the plan still runs.
const CHANGEABLE = new Set(['active', 'trialing', 'past_due']);

function statusBadge(status: string): SafeHtml {
  return html`<span class="status status-${status.replace(/[^a-z_]/g, '')}"
    >${STATUS_LABELS[status] ?? capitalize(status)}</span
  >`;
}

function whenLine(sub: PortalSubscriptionView): SafeHtml | null {
  const date = formatLongDate(sub.currentPeriodEnd);
  if (sub.status === 'canceled') return null;
  if (sub.cancelAtPeriodEnd) return html`<p class="sub-when canceling">Cancels on ${date}</p>`;
  if (sub.status === 'trialing') return html`<p class="sub-when">Trial ends on ${date}</p>`;
  return html`<p class="sub-when">Renews on ${date}</p>`;
}

function subscriptionActions(view: PortalPageView, sub: PortalSubscriptionView, nameId: string) {
  if (!CHANGEABLE.has(sub.status)) return null;
  if (!sub.cancelAtPeriodEnd && view.features?.cancel === null) return null;
  const [action, label, style] = sub.cancelAtPeriodEnd
    ? ['resume', 'Renew plan', 'button-primary']
    : ['cancel', 'Cancel plan', 'button-secondary'];
  const path = portalPath(view.id, `/subscriptions/${encodeURIComponent(sub.id)}/${action}`);
  return html`<div class="sub-actions">
    <form method="post" action="${path}">
      <button class="button ${style}" type="submit" aria-describedby="${nameId}">${label}</button>
    </form>
  </div>`;
}

function subscriptionItem(view: PortalPageView, sub: PortalSubscriptionView, index: number) {
  const nameId = `subscription-${index}`;
  return html`<li class="subscription">
    <div>
      <h3 class="sub-name">
        <span id="${nameId}">${sub.productName}</span>${
          sub.status !== 'active' && statusBadge(sub.status)
        }
      </h3>
      <p class="sub-price">
        ${formatMoney(sub.unitAmount, sub.currency)} <span>${perInterval(sub.interval)}</span>
      </p>
      ${whenLine(sub)}
    </div>
    ${subscriptionActions(view, sub, nameId)}
  </li>`;
}

function invoiceRow(invoice: PortalInvoiceView): SafeHtml {
  return html`<tr>
    <td>${formatShortDate(invoice.created)}</td>
    <td class="amount">${formatMoney(invoice.amountPaid, invoice.currency)}</td>
    <td>${statusBadge(invoice.status)}</td>
    <td class="number">${invoice.number ?? invoice.id}</td>
  </tr>`;
}

function showsInvoices(view: PortalPageView): boolean {
  return view.features?.invoiceHistory ?? true;
}

function side(view: PortalPageView): SafeHtml {
  const back = safeHref(view.returnUrl);
  const site = siteName(view.returnUrl);
  return html`<aside class="portal-side" aria-label="Account">
    <div class="side-inner">
      <div class="side-top">
        ${back && html`<a class="back" href="${back}">${ARROW_LEFT}<span>Return to ${site}</span></a>`}
        <span class="badge-test">TEST MODE</span>
      </div>
      <h1 class="side-title">${site ?? 'Your account'}</h1>
      <p class="side-text">
        ${showsInvoices(view) ? 'Manage your plan and see your billing history.' : 'Manage your plan.'}
      </p>
      ${view.customerEmail && html`<p class="side-email">Signed in as <strong>${view.customerEmail}</strong></p>`}
      <p class="footer-note side-footer">Test mode: no real card is charged.</p>
    </div>
  </aside>`;
}

function invoiceSection(view: PortalPageView): SafeHtml {
  return html`<section class="portal-section" aria-labelledby="invoices-title">
    <h2 class="section-heading" id="invoices-title">Invoice history</h2>
    ${
      view.invoices.length
        ? html`<table class="invoices">
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col" class="amount">Amount</th>
                <th scope="col">Status</th>
                <th scope="col" class="number">Invoice</th>
              </tr>
            </thead>
            <tbody>
              ${view.invoices.map(invoiceRow)}
            </tbody>
          </table>`
        : html`<p class="empty">No invoices yet.</p>`
    }
  </section>`;
}

export function portalPage(view: PortalPageView, error?: string): Page {
  const plural = view.subscriptions.length > 1;
  return {
    title: 'Billing',
    styles: PORTAL_STYLES,
    bodyClass: 'portal-page',
    body: html`<div class="portal-app">
      ${side(view)}
      <main class="portal-main">
        <div class="main-inner">
          ${error && html`<p class="alert portal-alert" role="alert">${ALERT}<span>${error}</span></p>`}
          <section class="portal-section" aria-labelledby="subscriptions-title">
            <h2 class="section-heading" id="subscriptions-title">
              ${plural ? 'Current subscriptions' : 'Current subscription'}
            </h2>
            ${
              view.subscriptions.length
                ? html`<ul class="subscriptions">
                    ${view.subscriptions.map((sub, i) => subscriptionItem(view, sub, i))}
                  </ul>`
                : html`<p class="empty">You have no subscriptions.</p>`
            }
          </section>
          ${showsInvoices(view) && invoiceSection(view)}
        </div>
      </main>
    </div>`,
  };
}
