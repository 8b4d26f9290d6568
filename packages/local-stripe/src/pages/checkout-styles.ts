// Stripe Checkout's layout: order summary left and card form right on wide screens, stacked on phones.

export const CHECKOUT_STYLES = `
.checkout-app { display: flex; flex-direction: column; }
.summary { padding: 20px 20px 28px; }
.payment { padding: 28px 20px 40px; border-top: 1px solid var(--line); }
.summary-inner, .payment-inner { width: 100%; max-width: 440px; margin: 0 auto; }

.merchant { display: flex; align-items: center; gap: 12px; margin-bottom: 28px; }

.product-title { color: var(--ink-muted); font-size: 16px; font-weight: 500; }
.headline-price { display: flex; align-items: center; gap: 8px; margin-top: 2px; }
.headline-amount { font-size: 36px; font-weight: 600; letter-spacing: -0.03em; line-height: 1.2; font-variant-numeric: tabular-nums; }
.headline-interval { color: var(--ink-muted); font-size: 14px; line-height: 1.15; white-space: pre-line; }

.lines { list-style: none; margin: 28px 0 0; padding: 0; }
.line { display: flex; justify-content: space-between; gap: 16px; padding-bottom: 16px; }
.line-name { font-weight: 500; }
.line-meta { color: var(--ink-muted); font-size: 12px; }
.line-amount { font-weight: 500; text-align: right; white-space: nowrap; }
.line-each { color: var(--ink-muted); font-size: 12px; font-weight: 400; }

.totals-row {
  display: flex; justify-content: space-between; align-items: center; gap: 16px;
  padding: 12px 0; border-top: 1px solid var(--line);
}
.totals-row > :last-child { white-space: nowrap; font-variant-numeric: tabular-nums; }
.totals-row.total { font-size: 16px; font-weight: 600; }
.totals-row.subtotal { font-weight: 500; }
.discount-label { display: flex; align-items: center; flex-wrap: wrap; gap: 6px; }
.discount-off { color: var(--ink-muted); }
.chip {
  display: inline-flex; align-items: center; gap: 6px;
  padding: 2px 4px 2px 8px; border-radius: 4px;
  background: #edf0f3; font-weight: 500; font-size: 13px;
}
.chip svg { width: 12px; height: 12px; color: var(--ink-muted); }
.chip form { display: contents; }
.chip-remove {
  display: inline-flex; padding: 3px; border: 0; border-radius: 3px;
  background: none; color: var(--ink-muted); cursor: pointer;
}
.chip-remove:hover { color: var(--ink); background: #dde2e7; }

.promo { padding: 12px 0; border-top: 1px solid var(--line); }
.promo summary {
  display: inline-flex; align-items: center; list-style: none; cursor: pointer;
  padding: 6px 10px; border-radius: var(--radius);
  background: #edf0f3; font-weight: 500;
}
.promo summary::-webkit-details-marker { display: none; }
.promo summary:hover { background: #dde2e7; }
.promo-field {
  display: flex; margin-top: 10px;
  border: 1px solid var(--field-border); border-radius: var(--radius); background: #fff;
}
.promo-field:focus-within { border-color: var(--accent); box-shadow: 0 0 0 1px var(--accent), var(--focus); }
.promo-field input {
  flex: 1; min-width: 0; padding: 9px 12px; border: 0; border-radius: var(--radius);
  font: inherit; font-size: 16px; text-transform: uppercase; background: transparent; color: var(--ink);
}
.promo-field input::placeholder { text-transform: none; }
.promo-field input:focus { outline: none; }
.promo-apply {
  padding: 0 14px; border: 0; border-radius: var(--radius); background: none;
  color: var(--accent); font: inherit; font-weight: 600; cursor: pointer;
}
.promo-field.has-error { border-color: var(--danger); }
.promo .alert { margin-top: 6px; }

.section-title { font-size: 16px; font-weight: 500; margin-bottom: 12px; }
.field { margin: 0 0 24px; padding: 0; border: 0; min-width: 0; }
.field label, .field legend { display: block; padding: 0; margin-bottom: 4px; color: var(--ink-muted); font-size: 13px; font-weight: 500; }
.input {
  display: block; width: 100%; padding: 9px 12px;
  border: 1px solid var(--field-border); border-radius: var(--radius);
  background: #fff; color: var(--ink); font: inherit; font-size: 16px; line-height: 20px;
}
.input::placeholder { color: #767676; }
.input:focus { outline: none; border-color: var(--accent); box-shadow: 0 0 0 1px var(--accent), var(--focus); }
.input[readonly] { background: var(--surface); }
.input[aria-invalid="true"] { color: var(--danger); border-color: var(--danger); }
.field .alert { margin-top: 6px; }

.card-group { border: 1px solid var(--field-border); border-radius: var(--radius); background: #fff; }
.card-group.has-error { border-color: var(--danger); }
.card-group .input { border: 0; border-radius: 0; position: relative; }
.card-group .input:focus { z-index: 1; box-shadow: inset 0 0 0 2px var(--accent), var(--focus); }
.card-number { position: relative; border-bottom: 1px solid var(--field-border); }
.card-number .input { padding-right: 104px; border-radius: var(--radius) var(--radius) 0 0; }
.card-brands {
  position: absolute; z-index: 2; right: 10px; top: 50%; transform: translateY(-50%);
  display: flex; gap: 4px; pointer-events: none;
}
.card-brands svg { width: 27px; height: 18px; }
.card-row { display: flex; }
.card-row .input { flex: 1 1 50%; min-width: 0; }
.card-row .input:first-of-type { border-radius: 0 0 0 var(--radius); }
.card-row .input:last-of-type { border-left: 1px solid var(--field-border); border-radius: 0 0 var(--radius) 0; }

.pay-button { width: 100%; min-height: 46px; margin-top: 4px; font-size: 16px; box-shadow: 0 1px 2px rgba(0, 0, 0, 0.12); }
.terms { margin-top: 12px; color: var(--ink-muted); font-size: 12px; text-align: center; }

.test-cards {
  margin-top: 28px; padding: 12px 14px;
  border: 1px solid #f1d38a; border-radius: var(--radius); background: #fffaeb;
  font-size: 13px;
}
.test-cards h2 { font-size: 13px; font-weight: 600; margin-bottom: 4px; }
.test-cards ul { margin: 0 0 4px; padding: 0; list-style: none; }
.test-cards li { padding: 1px 0; }
.test-cards code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; white-space: nowrap; }
.test-cards p { color: var(--ink-muted); font-size: 12px; }
.checkout-footer { margin-top: 24px; text-align: center; }

@media (min-width: 992px) {
  .checkout-app { flex-direction: row; min-height: 100vh; }
  .summary, .payment { flex: 1 1 50%; display: flex; padding-top: 72px; padding-bottom: 48px; }
  .summary { justify-content: flex-end; padding-left: 32px; padding-right: 80px; }
  .payment {
    justify-content: flex-start; padding-left: 80px; padding-right: 32px;
    border-top: 0; box-shadow: -16px 0 32px -24px rgba(0, 0, 0, 0.25);
  }
  .summary-inner, .payment-inner { width: 380px; max-width: none; margin: 0; }
  .merchant { margin-bottom: 36px; }
}
`;
