// Stripe's billing portal: the business and a way back on the left, the account on the right.

export const PORTAL_STYLES = `
.portal-app { display: flex; flex-direction: column; min-height: 100vh; }
.portal-side { padding: 20px 20px 24px; background: var(--surface); border-bottom: 1px solid var(--line); }
.portal-main { flex: 1; padding: 28px 20px 48px; }
.side-inner, .main-inner { width: 100%; max-width: 640px; margin: 0 auto; }

.side-top { display: flex; align-items: center; justify-content: space-between; gap: 12px; flex-wrap: wrap; }
.side-title { margin-top: 20px; font-size: 20px; font-weight: 600; letter-spacing: -0.01em; }
.side-text { margin-top: 4px; color: var(--ink-muted); }
.side-email { margin-top: 16px; color: var(--ink-muted); font-size: 13px; }
.side-email strong { color: var(--ink); font-weight: 500; }
.side-footer { margin-top: 24px; }

.portal-alert { margin-bottom: 24px; padding: 10px 12px; border: 1px solid #f3b7c6; border-radius: var(--radius); background: #fff5f7; }

.section-heading {
  margin-bottom: 4px; padding-bottom: 10px; border-bottom: 1px solid var(--line);
  color: var(--ink-muted); font-size: 12px; font-weight: 600; letter-spacing: 0.06em; text-transform: uppercase;
}
.portal-section + .portal-section { margin-top: 40px; }
.empty { padding: 16px 0; color: var(--ink-muted); }

.subscriptions { list-style: none; margin: 0; padding: 0; }
.subscription {
  display: flex; flex-wrap: wrap; align-items: flex-start; justify-content: space-between; gap: 16px;
  padding: 20px 0; border-bottom: 1px solid var(--line);
}
.sub-name { font-size: 16px; font-weight: 500; display: flex; align-items: center; gap: 8px; flex-wrap: wrap; }
.sub-price { margin-top: 4px; font-size: 24px; font-weight: 600; letter-spacing: -0.02em; font-variant-numeric: tabular-nums; }
.sub-price span { color: var(--ink-muted); font-size: 15px; font-weight: 400; letter-spacing: 0; }
.sub-when { margin-top: 6px; color: var(--ink-muted); }
.sub-when.canceling { color: #8a4b00; font-weight: 500; }
.sub-actions form { margin: 0; }

.status {
  display: inline-block; padding: 1px 7px; border-radius: 4px;
  background: #ebeef1; color: #414552; font-size: 12px; font-weight: 600; line-height: 18px;
}
.status-paid, .status-active { background: #d7f7c2; color: #05690d; }
.status-open, .status-trialing { background: #cff5f6; color: #045163; }
.status-past_due, .status-unpaid, .status-uncollectible { background: #ffe7f2; color: #a41c4e; }
.status-canceling { background: #fcedb9; color: #7a3500; }

.invoices { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
.invoices th {
  padding: 10px 8px 10px 0; text-align: left; color: var(--ink-muted);
  font-size: 12px; font-weight: 500; border-bottom: 1px solid var(--line);
}
.invoices td { padding: 12px 8px 12px 0; border-bottom: 1px solid var(--line); vertical-align: middle; }
.invoices .amount { text-align: right; padding-right: 24px; white-space: nowrap; }
.invoices .number { color: var(--ink-muted); font-size: 13px; word-break: break-all; }

@media (max-width: 520px) {
  .invoices .number { display: none; }
  .sub-actions, .sub-actions .button { width: 100%; }
}

@media (min-width: 992px) {
  .portal-app { flex-direction: row; }
  .portal-side {
    flex: 0 0 42%; display: flex; justify-content: flex-end;
    padding: 72px 64px 48px 32px; border-bottom: 0; border-right: 1px solid var(--line);
  }
  .side-inner { width: 340px; max-width: none; margin: 0; display: flex; flex-direction: column; }
  .side-title { margin-top: 36px; font-size: 24px; }
  .side-footer { margin-top: auto; padding-top: 48px; }
  .portal-main { padding: 72px 32px 48px 64px; }
  .main-inner { max-width: 600px; margin: 0; }
}
`;
