import type Stripe from 'stripe';
import type { Core } from '../core.ts';
import { buildProrationItem } from '../objects/invoice-item.ts';
import { newId } from '../store/ids.ts';
import { couponFor, discountOn } from './billing.ts';

/** What a subscription item was last charged for the current period, net of discounts. */
interface Debit {
  amount: number;
  start: number;
  end: number;
  /** The invoice line or pending invoice item the charge sits on. */
  credited: Stripe.InvoiceItem.ProrationDetails.CreditedItems | null;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "16 May 2018", the date in Stripe's proration descriptions. */
function prorationDate(at: number): string {
  const date = new Date(at * 1000);
  const day = String(date.getUTCDate()).padStart(2, '0');
  return `${day} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}

function productName(core: Core, price: Stripe.Price): string {
  const id = typeof price.product === 'string' ? price.product : price.product.id;
  return core.store.products.get(id)?.name ?? 'Subscription';
}

/** "Basic", or "3 × Seat" for more than one. */
function itemName(core: Core, price: Stripe.Price, quantity: number): string {
  const name = productName(core, price);
  return quantity > 1 ? `${quantity} × ${name}` : name;
}

/**
 * The charge the unused time is credited against: the latest debit for the item that covers the
 * current period, be it the period's invoice line or a proration debit from an earlier change.
 * Crediting what was actually charged is Stripe's flexible billing mode ("credit prorations are
 * calculated based on the amount that was previously debited", docs.stripe.com/billing/
 * subscriptions/billing-mode), which every local subscription uses.
 */
function latestDebit(
  core: Core,
  subscription: Stripe.Subscription,
  item: Stripe.SubscriptionItem,
): Debit | null {
  const covers = (period: { start: number; end: number }) =>
    period.end === item.current_period_end && period.start < item.current_period_end;
  const debits: (Debit & { at: number })[] = [];
  for (const invoice of core.store.invoices.findBy('subscription', subscription.id).reverse()) {
    if (invoice.status === 'void' || invoice.status === 'draft') continue;
    for (const line of invoice.lines.data) {
      const details = line.parent?.subscription_item_details;
      if (details?.subscription_item !== item.id || line.amount <= 0 || !covers(line.period)) {
        continue;
      }
      const discount = (line.discount_amounts ?? []).reduce((sum, d) => sum + d.amount, 0);
      debits.push({
        amount: line.amount - discount,
        start: line.period.start,
        end: line.period.end,
        credited: {
          type: 'invoice_line_items',
          invoice_line_item_details: { invoice: invoice.id, invoice_line_items: [line.id] },
        },
        at: invoice.created,
      });
    }
  }
  for (const pending of core.store.invoiceItems.findBy('subscription', subscription.id).reverse()) {
    const details = pending.parent?.subscription_details;
    if (pending.invoice !== null || details?.subscription_item !== item.id) continue;
    if (pending.amount <= 0 || !covers(pending.period)) continue;
    debits.push({
      ...pending.period,
      amount: pending.amount,
      credited: { type: 'invoice_item', invoice_item: pending.id },
      at: pending.date,
    });
  }
  // Of charges made in the same second, the one recorded last is the newest.
  let latest: (Debit & { at: number }) | null = null;
  for (const debit of debits) if (!latest || debit.at >= latest.at) latest = debit;
  return latest;
}

/** The share of [start, end) left after `at`, to the second, as Stripe prorates. */
function remaining(start: number, end: number, at: number): number {
  return end <= start ? 0 : Math.max(0, end - at) / (end - start);
}

export interface ProrationRequest {
  /** The price and quantity the item moves to. */
  price: Stripe.Price;
  quantity: number;
  /** When the change counts from (`proration_date`, else now). */
  at: number;
  /** Whether to charge the new price for the rest of the period, or only credit the old one. */
  chargeRemaining: boolean;
}

/**
 * The prorations of moving the subscription's item to another price or quantity: a credit for
 * the unused time on what it was charged, and a charge for the remaining time on the new price,
 * each rounded to the cent ("-5 USD for unused time on the initial price, and 10 USD for the
 * remaining time on the new price", docs.stripe.com/billing/subscriptions/prorations). Discounts
 * the subscription still has are inside the amounts. Built, not saved; nothing for zero amounts.
 */
export function prorationsFor(
  core: Core,
  subscription: Stripe.Subscription,
  item: Stripe.SubscriptionItem,
  request: ProrationRequest,
): Stripe.InvoiceItem[] {
  const { at } = request;
  const start = item.current_period_start;
  const end = item.current_period_end;
  const customer =
    typeof subscription.customer === 'string' ? subscription.customer : subscription.customer.id;
  const common = {
    customer,
    subscription,
    subscriptionItem: item.id,
    periodStart: at,
    periodEnd: end,
    created: core.clock.now(),
  };
  const items: Stripe.InvoiceItem[] = [];

  const oldQuantity = item.quantity ?? 1;
  const debit = latestDebit(core, subscription, item) ?? {
    amount: (item.price.unit_amount ?? 0) * oldQuantity,
    start,
    end,
    credited: null,
  };
  const credit = -Math.round(debit.amount * remaining(debit.start, debit.end, at));
  if (credit !== 0) {
    items.push(
      buildProrationItem({
        ...common,
        id: newId('ii'),
        price: item.price,
        quantity: oldQuantity,
        amount: credit,
        description: `Unused time on ${itemName(core, item.price, oldQuantity)} after ${prorationDate(at)}`,
        credited: debit.credited,
      }),
    );
  }

  if (request.chargeRemaining) {
    const state = core.store.subscriptions.internal(subscription.id)!;
    const coupon = couponFor(core, state);
    const full =
      (request.price.unit_amount ?? 0) * request.quantity -
      (coupon ? discountOn(request.price, request.quantity, coupon) : 0);
    const charge = Math.round(full * remaining(start, end, at));
    if (charge !== 0) {
      items.push(
        buildProrationItem({
          ...common,
          id: newId('ii'),
          price: request.price,
          quantity: request.quantity,
          amount: charge,
          description: `Remaining time on ${itemName(core, request.price, request.quantity)} after ${prorationDate(at)}`,
          credited: null,
        }),
      );
    }
  }
  return items;
}
