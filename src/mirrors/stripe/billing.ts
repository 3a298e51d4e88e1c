/**
 * Subscriptions and invoices: the billing engine. Subscription periods and dunning are
 * timers on the session clock, so advancing it (`POST /_mirra/clock`) renews, retries and
 * cancels on Stripe's schedule:
 *
 * - period end → a `subscription_cycle` draft invoice (invoice.created), finalized and paid
 *   one hour later (Stripe's draft window); trial end → `active` then the same;
 * - a failed payment → invoice.payment_failed, subscription `past_due`, retries after
 *   3, 5 and 7 days (setting `dunningRetryDays`), then `canceled` (or `unpaid`, setting
 *   `dunningFinalAction`);
 * - `incomplete` for 23 h → `incomplete_expired` (first invoice voided);
 * - 3 days before a trial ends → customer.subscription.trial_will_end.
 */
import type { SessionContext } from '../core/context.js';
import { fail, invalid } from './errors.js';
import { emitEvent, previousAttributes } from './events.js';
import { embeddedList } from './list.js';
import { KINDS, newId, type Obj } from './objects.js';
import { confirmPaymentIntent, paymentIntentObject, type ConfirmResult } from './payments.js';
import type { DeclineSpec } from './cards.js';
import { addInterval, anchorDayOf, type Interval } from './time.js';

export const TIMER = {
  periodEnd: 'stripe.subscription.period_end',
  trialWillEnd: 'stripe.subscription.trial_will_end',
  incompleteExpiry: 'stripe.subscription.incomplete_expiry',
  autoAdvance: 'stripe.invoice.auto_advance',
  retry: 'stripe.invoice.retry',
} as const;

const HOUR = 3600;
const DAY = 86400;
export const DRAFT_WINDOW_SECONDS = HOUR;

export function dunningRetryDays(ctx: SessionContext): number[] {
  const v = ctx.settings.dunningRetryDays;
  return Array.isArray(v) && v.every((x) => typeof x === 'number') ? (v as number[]) : [3, 5, 7];
}

function finalAction(ctx: SessionContext): 'cancel' | 'unpaid' | 'past_due' {
  const v = ctx.settings.dunningFinalAction;
  return v === 'unpaid' || v === 'past_due' ? v : 'cancel';
}

// ── plans, items ────────────────────────────────────────────────────────────────

export function planFromPrice(price: Obj): Obj {
  return {
    id: price.id,
    object: 'plan',
    active: price.active,
    aggregate_usage: null,
    amount: price.unit_amount,
    amount_decimal: price.unit_amount_decimal,
    billing_scheme: price.billing_scheme,
    created: price.created,
    currency: price.currency,
    interval: price.recurring?.interval ?? null,
    interval_count: price.recurring?.interval_count ?? null,
    livemode: false,
    metadata: price.metadata,
    meter: null,
    nickname: price.nickname,
    product: price.product,
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: null,
    usage_type: price.recurring?.usage_type ?? 'licensed',
  };
}

export function itemObject(ctx: SessionContext, sub: Obj, price: Obj, quantity: number, f: Obj = {}): Obj {
  return {
    id: f.id ?? newId(ctx, 'si_', 14),
    object: 'subscription_item',
    billing_thresholds: null,
    created: f.created ?? ctx.nowUnix(),
    current_period_end: sub.current_period_end,
    current_period_start: sub.current_period_start,
    discounts: [],
    metadata: f.metadata ?? {},
    plan: planFromPrice(price),
    price,
    quantity,
    subscription: sub.id,
    tax_rates: [],
  };
}

export function subItems(sub: Obj): Obj[] {
  return (sub.items?.data ?? []) as Obj[];
}

/** Recompute the derived parts of a subscription (items list, plan/quantity shortcuts, item periods). */
/** The fields every new subscription starts with, whether created by the API or a seed. */
export function subscriptionShell(): Obj {
  return {
    object: 'subscription',
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor_config: null,
    billing_mode: { flexible: null, type: 'classic' },
    billing_thresholds: null,
    default_source: null,
    default_tax_rates: [],
    discount: null,
    discounts: [],
    invoice_settings: { account_tax_ids: null, issuer: { type: 'self' } },
    livemode: false,
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: { payment_method_options: null, payment_method_types: null, save_default_payment_method: 'off' },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    plan: null,
    quantity: null,
    schedule: null,
    test_clock: null,
    transfer_data: null,
    trial_settings: { end_behavior: { missing_payment_method: 'create_invoice' } },
  };
}

export function normalizeSubscription(sub: Obj): Obj {
  const items: Obj[] = subItems(sub).map((i) => ({ ...i, current_period_start: sub.current_period_start, current_period_end: sub.current_period_end, subscription: sub.id }));
  sub.items = embeddedList(items, `/v1/subscription_items?subscription=${sub.id}`);
  sub.plan = items.length === 1 ? items[0].plan : null;
  sub.quantity = items.length === 1 ? items[0].quantity : null;
  return sub;
}

export function intervalOf(sub: Obj): { interval: Interval; count: number } {
  const price = subItems(sub)[0]?.price;
  return { interval: (price?.recurring?.interval ?? 'month') as Interval, count: price?.recurring?.interval_count ?? 1 };
}

export function nextPeriodEnd(sub: Obj, from: number): number {
  const { interval, count } = intervalOf(sub);
  return addInterval(from, interval, count, anchorDayOf(sub.billing_cycle_anchor ?? from));
}

// ── discounts ───────────────────────────────────────────────────────────────────

export function discountObject(ctx: SessionContext, coupon: Obj, customer: string, subscription: string | null): Obj {
  const start = ctx.nowUnix();
  return {
    id: newId(ctx, 'di_', 24),
    object: 'discount',
    checkout_session: null,
    coupon,
    customer,
    end: coupon.duration === 'repeating' && coupon.duration_in_months ? addInterval(start, 'month', coupon.duration_in_months) : null,
    invoice: null,
    invoice_item: null,
    promotion_code: null,
    start,
    subscription,
    subscription_item: null,
  };
}

export function redeemCoupon(ctx: SessionContext, id: string, param: string): Obj {
  const coupon = ctx.db.get<Obj>('coupons', id);
  if (!coupon) fail(400, { type: 'invalid_request_error', code: 'resource_missing', message: `No such coupon: '${id}'`, param });
  if (!coupon!.valid) invalid(`Coupon expired: ${id}`, param);
  return ctx.db.update<Obj>('coupons', id, (c) => {
    c.times_redeemed += 1;
    if (c.max_redemptions !== null && c.times_redeemed >= c.max_redemptions) c.valid = false;
    return c;
  })!;
}

function discountAmount(discount: Obj | null, subtotal: number, currency: string, now: number): number {
  if (!discount) return 0;
  if (discount.end !== null && discount.end !== undefined && now >= discount.end) return 0;
  const c = discount.coupon;
  if (c.percent_off !== null && c.percent_off !== undefined) return Math.round((subtotal * c.percent_off) / 100);
  if (c.amount_off !== null && c.currency === currency) return Math.min(c.amount_off, subtotal);
  return 0;
}

// ── invoices ────────────────────────────────────────────────────────────────────

export interface LineInput {
  amount: number;
  description: string;
  quantity: number;
  price?: Obj | null;
  period: { start: number; end: number };
  subscription?: string | null;
  subscription_item?: string | null;
  invoice_item?: string | null;
  type: 'subscription' | 'invoiceitem';
}

function lineObject(ctx: SessionContext, invoiceId: string, currency: string, l: LineInput): Obj {
  return {
    id: newId(ctx, 'il_', 24),
    object: 'line_item',
    amount: l.amount,
    currency,
    description: l.description,
    discount_amounts: [],
    discountable: true,
    discounts: [],
    invoice: invoiceId,
    invoice_item: l.invoice_item ?? null,
    livemode: false,
    metadata: {},
    parent: l.subscription
      ? { invoice_item_details: null, subscription_item_details: { invoice_item: null, proration: false, proration_details: { credited_items: null }, subscription: l.subscription, subscription_item: l.subscription_item ?? null }, type: 'subscription_item_details' }
      : { invoice_item_details: { invoice_item: l.invoice_item ?? null, proration: false, proration_details: { credited_items: null }, subscription: null }, subscription_item_details: null, type: 'invoice_item_details' },
    period: l.period,
    plan: l.price?.recurring ? planFromPrice(l.price) : null,
    price: l.price ?? null,
    pricing: l.price ? { price_details: { price: l.price.id, product: l.price.product }, type: 'price_details', unit_amount_decimal: l.price.unit_amount_decimal } : null,
    proration: false,
    quantity: l.quantity,
    subscription: l.subscription ?? null,
    subscription_item: l.subscription_item ?? null,
    type: l.type,
  };
}

function money(amount: number, currency: string): string {
  const zeroDecimal = ['jpy', 'krw', 'vnd', 'clp', 'pyg', 'xaf', 'xof', 'ugx', 'rwf', 'mga', 'kmf', 'gnf', 'djf', 'bif', 'vuv', 'xpf'].includes(currency);
  const sym = currency === 'usd' ? '$' : currency === 'eur' ? '€' : currency === 'gbp' ? '£' : `${currency.toUpperCase()} `;
  return zeroDecimal ? `${sym}${amount}` : `${sym}${(amount / 100).toFixed(2)}`;
}

export function subscriptionLines(ctx: SessionContext, sub: Obj, period: { start: number; end: number }): LineInput[] {
  return subItems(sub).map((item) => {
    const price = ctx.db.get<Obj>('prices', item.price.id) ?? item.price;
    const product = ctx.db.get<Obj>('products', price.product);
    const interval = price.recurring?.interval ?? 'month';
    return {
      amount: (price.unit_amount ?? 0) * item.quantity,
      description: `${item.quantity} × ${product?.name ?? price.product} (at ${money(price.unit_amount ?? 0, price.currency)} / ${interval})`,
      quantity: item.quantity,
      price,
      period,
      subscription: sub.id,
      subscription_item: item.id,
      type: 'subscription' as const,
    };
  });
}

export interface InvoiceInput {
  customer: Obj;
  currency: string;
  billing_reason: string;
  collection_method?: 'charge_automatically' | 'send_invoice';
  days_until_due?: number | null;
  subscription?: Obj | null;
  lines: LineInput[];
  period?: { start: number; end: number };
  description?: string | null;
  metadata?: Obj;
  auto_advance?: boolean;
  default_payment_method?: string | null;
  discount?: Obj | null;
  id?: string;
}

export function recomputeTotals(inv: Obj, now: number): Obj {
  const subtotal = (inv.lines.data as Obj[]).reduce((s, l) => s + l.amount, 0);
  const off = discountAmount(inv.discount, subtotal, inv.currency, now);
  const total = subtotal - off;
  inv.subtotal = subtotal;
  inv.subtotal_excluding_tax = subtotal;
  inv.total = total;
  inv.total_excluding_tax = total;
  inv.total_discount_amounts = off > 0 && inv.discount ? [{ amount: off, discount: inv.discount.id }] : [];
  inv.amount_due = Math.max(0, total);
  inv.amount_remaining = Math.max(0, total - inv.amount_paid);
  inv.ending_balance = inv.status === 'draft' ? null : 0;
  inv.lines.total_count = inv.lines.data.length;
  return inv;
}

/** The invoice object (not saved). */
export function buildInvoice(ctx: SessionContext, input: InvoiceInput): Obj {
  const id = input.id ?? newId(ctx, KINDS.invoice);
  const now = ctx.nowUnix();
  const sub = input.subscription ?? null;
  const period = input.period ?? { start: now, end: now };
  const inv: Obj = {
    id,
    object: 'invoice',
    account_country: 'US',
    account_name: 'Mirra Test Account',
    account_tax_ids: null,
    amount_due: 0,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: 0,
    amount_shipping: 0,
    application: null,
    application_fee_amount: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: input.auto_advance ?? true,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    billing_reason: input.billing_reason,
    charge: null,
    collection_method: input.collection_method ?? 'charge_automatically',
    created: now,
    currency: input.currency,
    custom_fields: null,
    customer: input.customer.id,
    customer_address: input.customer.address ?? null,
    customer_email: input.customer.email ?? null,
    customer_name: input.customer.name ?? null,
    customer_phone: input.customer.phone ?? null,
    customer_shipping: null,
    customer_tax_exempt: 'none',
    customer_tax_ids: [],
    default_payment_method: input.default_payment_method ?? null,
    default_source: null,
    default_tax_rates: [],
    description: input.description ?? null,
    discount: input.discount ?? null,
    discounts: input.discount ? [input.discount.id] : [],
    due_date: input.collection_method === 'send_invoice' ? now + (input.days_until_due ?? 30) * DAY : null,
    effective_at: null,
    ending_balance: null,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: 'self' },
    last_finalization_error: null,
    latest_revision: null,
    lines: embeddedList([], `/v1/invoices/${id}/lines`),
    livemode: false,
    metadata: input.metadata ?? {},
    next_payment_attempt: null,
    number: null,
    on_behalf_of: null,
    paid: false,
    paid_out_of_band: false,
    parent: sub
      ? { quote_details: null, subscription_details: { metadata: sub.metadata ?? {}, subscription: sub.id }, type: 'subscription_details' }
      : null,
    payment_intent: null,
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    period_end: period.end,
    period_start: period.start,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    quote: null,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: 'draft',
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subscription: sub?.id ?? null,
    subtotal: 0,
    subtotal_excluding_tax: 0,
    tax: null,
    test_clock: null,
    total: 0,
    total_discount_amounts: [],
    total_excluding_tax: 0,
    total_tax_amounts: [],
    transfer_data: null,
    webhooks_delivered_at: now,
  };
  inv.lines.data = input.lines.map((l) => lineObject(ctx, id, input.currency, l));
  return recomputeTotals(inv, now);
}

/** Create a draft invoice and announce it (invoice.created). */
export function createInvoice(ctx: SessionContext, input: InvoiceInput): Obj {
  const row = ctx.db.insert('invoices', buildInvoice(ctx, input));
  emitEvent(ctx, 'invoice.created', row);
  return row;
}

export function addInvoiceLine(ctx: SessionContext, invoice: Obj, line: LineInput): Obj {
  return ctx.db.update<Obj>('invoices', invoice.id, (inv) => {
    inv.lines.data.push(lineObject(ctx, inv.id, inv.currency, line));
    return recomputeTotals(inv, ctx.nowUnix());
  })!;
}

function nextInvoiceNumber(ctx: SessionContext, customerId: string): string {
  const customer = ctx.db.get<Obj>('customers', customerId);
  const prefix = customer?.invoice_prefix ?? 'MIRRA';
  const seq = customer?.next_invoice_sequence ?? 1;
  if (customer) ctx.db.update('customers', customerId, { next_invoice_sequence: seq + 1 });
  return `${prefix}-${String(seq).padStart(4, '0')}`;
}

function saveInvoice(ctx: SessionContext, before: Obj, patch: Obj | ((inv: Obj) => Obj), eventType?: string): Obj {
  const after = ctx.db.update<Obj>('invoices', before.id, patch as never)!;
  if (eventType) emitEvent(ctx, eventType, after, previousAttributes(before, after));
  return after;
}

/** draft → open (a zero-amount invoice goes straight to paid). */
export function finalizeInvoice(ctx: SessionContext, invoice: Obj): Obj {
  if (invoice.status !== 'draft') {
    invalid(`This invoice is already finalized, you can't re-finalize a non-draft invoice.`, undefined, 'invoice_not_editable');
  }
  const now = ctx.nowUnix();
  const number = nextInvoiceNumber(ctx, invoice.customer);
  let inv = saveInvoice(ctx, invoice, (i) => {
    i.status = 'open';
    i.number = number;
    i.effective_at = now;
    i.hosted_invoice_url = `https://invoice.stripe.com/i/acct_mirra/test_${i.id}`;
    i.invoice_pdf = `https://pay.stripe.com/invoice/acct_mirra/test_${i.id}/pdf`;
    i.status_transitions.finalized_at = now;
    i.ending_balance = 0;
    return recomputeTotals(i, now);
  });
  if (inv.amount_due > 0 && inv.collection_method === 'charge_automatically') {
    const pi = ctx.db.insert(
      'payment_intents',
      paymentIntentObject(ctx, {
        amount: inv.amount_due,
        currency: inv.currency,
        customer: inv.customer,
        description: inv.billing_reason === 'subscription_create' ? 'Subscription creation' : inv.billing_reason === 'subscription_cycle' ? 'Subscription update' : null,
        invoice: inv.id,
        payment_method: null,
      }),
    );
    emitEvent(ctx, 'payment_intent.created', pi);
    inv = ctx.db.update<Obj>('invoices', inv.id, { payment_intent: pi.id })!;
  }
  emitEvent(ctx, 'invoice.finalized', inv);
  if (inv.amount_due === 0) inv = markPaid(ctx, inv, null);
  return inv;
}

export function markPaid(ctx: SessionContext, invoice: Obj, chargeId: string | null, outOfBand = false): Obj {
  const now = ctx.nowUnix();
  const inv = saveInvoice(ctx, invoice, (i) => {
    i.status = 'paid';
    i.paid = true;
    i.paid_out_of_band = outOfBand;
    i.amount_paid = i.amount_due;
    i.amount_remaining = 0;
    i.attempted = i.attempted || chargeId !== null;
    if (chargeId !== null) i.attempt_count += 1;
    i.charge = chargeId;
    i.next_payment_attempt = null;
    i.status_transitions.paid_at = now;
    return i;
  });
  emitEvent(ctx, 'invoice.paid', inv);
  emitEvent(ctx, 'invoice.payment_succeeded', inv);
  if (inv.subscription) onSubscriptionInvoicePaid(ctx, inv);
  return inv;
}

/** The payment method an automatic attempt uses: invoice → subscription → customer default. */
export function defaultPaymentMethodFor(ctx: SessionContext, invoice: Obj): string | null {
  if (invoice.default_payment_method) return invoice.default_payment_method;
  const sub = invoice.subscription ? ctx.db.get<Obj>('subscriptions', invoice.subscription) : undefined;
  if (sub?.default_payment_method) return sub.default_payment_method;
  const customer = ctx.db.get<Obj>('customers', invoice.customer);
  return customer?.invoice_settings?.default_payment_method ?? null;
}

export interface PayOptions {
  paymentMethod?: string | null;
  paidOutOfBand?: boolean;
  /** An automatic attempt (timer): failures schedule the next dunning retry. */
  automatic?: boolean;
  forceDecline?: DeclineSpec;
  offSession?: boolean;
}

export interface PayResult {
  invoice: Obj;
  confirm?: ConfirmResult;
}

export function payInvoice(ctx: SessionContext, invoice: Obj, opts: PayOptions = {}): PayResult {
  let inv = invoice;
  if (inv.status === 'draft') inv = finalizeInvoice(ctx, inv);
  if (inv.status === 'paid') {
    if (opts.automatic) return { invoice: inv };
    invalid('Invoice is already paid', undefined, 'invoice_already_paid');
  }
  if (inv.status !== 'open') {
    invalid(`You cannot pay this invoice because it has a status of ${inv.status}.`, undefined, 'invoice_not_editable');
  }
  if (opts.paidOutOfBand) return { invoice: markPaid(ctx, inv, null, true) };
  if (inv.amount_due === 0) return { invoice: markPaid(ctx, inv, null) };
  const pmId = opts.paymentMethod ?? defaultPaymentMethodFor(ctx, inv);
  if (!pmId) {
    if (!opts.automatic && !opts.forceDecline) {
      invalid(
        'This customer has no attached payment source or default payment method. Please consider adding a default payment method. For more information, visit https://docs.stripe.com/billing/subscriptions/payment-methods-setting#payment-method-priority.',
        undefined,
      );
    }
    return { invoice: recordFailure(ctx, inv) };
  }
  let pi = ctx.db.get<Obj>('payment_intents', inv.payment_intent)!;
  if (pi.status === 'requires_payment_method' || pi.status === 'requires_confirmation' || pi.status === 'requires_action') {
    pi = ctx.db.update<Obj>('payment_intents', pi.id, { payment_method: pmId, status: 'requires_confirmation' })!;
  }
  const result = confirmPaymentIntent(ctx, pi, { offSession: opts.offSession ?? true, forceDecline: opts.forceDecline });
  if (result.pi.status === 'succeeded') {
    return { invoice: markPaid(ctx, ctx.db.get<Obj>('invoices', inv.id)!, result.charge?.id ?? null), confirm: result };
  }
  if (result.pi.status === 'requires_action') {
    const after = ctx.db.get<Obj>('invoices', inv.id)!;
    emitEvent(ctx, 'invoice.payment_action_required', after);
    return { invoice: after, confirm: result };
  }
  return { invoice: recordFailure(ctx, ctx.db.get<Obj>('invoices', inv.id)!, result.charge?.id ?? null), confirm: result };
}

/** A failed attempt: count it, schedule the next retry (if any), tell the subscription. */
function recordFailure(ctx: SessionContext, invoice: Obj, chargeId: string | null = null): Obj {
  const attempt = invoice.attempt_count + 1;
  const days = dunningRetryDays(ctx);
  const isSub = !!invoice.subscription && invoice.collection_method === 'charge_automatically';
  const retryDelay = isSub && invoice.billing_reason !== 'subscription_create' ? days[attempt - 1] : undefined;
  const next = retryDelay !== undefined ? ctx.nowUnix() + retryDelay * DAY : null;
  const inv = saveInvoice(ctx, invoice, (i) => {
    i.attempt_count = attempt;
    i.attempted = true;
    i.charge = chargeId ?? i.charge;
    i.next_payment_attempt = next;
    return i;
  });
  emitEvent(ctx, 'invoice.payment_failed', inv);
  for (const t of ctx.timers.pending(TIMER.retry)) if ((t.payload as Obj)?.invoice === inv.id) ctx.timers.cancel(t.id);
  if (next !== null) ctx.timers.schedule(TIMER.retry, { at: next * 1000 }, { invoice: inv.id, attempt });
  if (inv.subscription) onSubscriptionInvoiceFailed(ctx, inv, next === null);
  return inv;
}

export function voidInvoice(ctx: SessionContext, invoice: Obj): Obj {
  if (invoice.status !== 'open' && invoice.status !== 'uncollectible') {
    invalid(`You can only pass in open or uncollectible invoices. This invoice is ${invoice.status}.`, undefined);
  }
  const now = ctx.nowUnix();
  for (const t of ctx.timers.pending(TIMER.retry)) if ((t.payload as Obj)?.invoice === invoice.id) ctx.timers.cancel(t.id);
  if (invoice.payment_intent) {
    const pi = ctx.db.get<Obj>('payment_intents', invoice.payment_intent);
    if (pi && pi.status !== 'succeeded' && pi.status !== 'canceled') {
      const after = ctx.db.update<Obj>('payment_intents', pi.id, { status: 'canceled', canceled_at: now, cancellation_reason: 'void_invoice' })!;
      emitEvent(ctx, 'payment_intent.canceled', after, previousAttributes(pi, after));
    }
  }
  return saveInvoice(
    ctx,
    invoice,
    (i) => {
      i.status = 'void';
      i.next_payment_attempt = null;
      i.amount_remaining = 0;
      i.status_transitions.voided_at = now;
      return i;
    },
    'invoice.voided',
  );
}

export function markUncollectible(ctx: SessionContext, invoice: Obj): Obj {
  if (invoice.status !== 'open') invalid(`You can only mark open invoices as uncollectible. This invoice is ${invoice.status}.`);
  for (const t of ctx.timers.pending(TIMER.retry)) if ((t.payload as Obj)?.invoice === invoice.id) ctx.timers.cancel(t.id);
  return saveInvoice(
    ctx,
    invoice,
    (i) => {
      i.status = 'uncollectible';
      i.next_payment_attempt = null;
      i.status_transitions.marked_uncollectible_at = ctx.nowUnix();
      return i;
    },
    'invoice.marked_uncollectible',
  );
}

// ── subscriptions ───────────────────────────────────────────────────────────────

export function saveSubscription(ctx: SessionContext, before: Obj, patch: Obj | ((s: Obj) => Obj), eventType: string | null = 'customer.subscription.updated'): Obj {
  const after = ctx.db.update<Obj>('subscriptions', before.id, (s) => normalizeSubscription(typeof patch === 'function' ? patch(s) : { ...s, ...patch }))!;
  if (eventType) {
    const prev = previousAttributes(before, after);
    if (prev || eventType !== 'customer.subscription.updated') emitEvent(ctx, eventType, after, prev);
  }
  return after;
}

function onSubscriptionInvoicePaid(ctx: SessionContext, invoice: Obj): void {
  const sub = ctx.db.get<Obj>('subscriptions', invoice.subscription);
  if (!sub) return;
  if (['incomplete', 'past_due', 'unpaid'].includes(sub.status)) {
    const stillOpen = ctx.db.list<Obj>('invoices', { where: { subscription: sub.id, status: 'open' } }).length;
    if (stillOpen === 0 || sub.status === 'incomplete') {
      for (const t of ctx.timers.pending(TIMER.incompleteExpiry)) if ((t.payload as Obj)?.subscription === sub.id) ctx.timers.cancel(t.id);
      saveSubscription(ctx, sub, { status: 'active' });
    }
  }
}

function onSubscriptionInvoiceFailed(ctx: SessionContext, invoice: Obj, exhausted: boolean): void {
  const sub = ctx.db.get<Obj>('subscriptions', invoice.subscription);
  if (!sub || ['canceled', 'incomplete_expired', 'incomplete'].includes(sub.status)) return;
  if (exhausted && invoice.billing_reason !== 'subscription_create' && invoice.attempt_count > 1) {
    const action = finalAction(ctx);
    if (action === 'cancel') {
      cancelSubscription(ctx, sub, { reason: 'payment_failed' });
      return;
    }
    if (action === 'unpaid') {
      saveSubscription(ctx, sub, { status: 'unpaid' });
      return;
    }
  }
  if (sub.status === 'active' || sub.status === 'trialing') saveSubscription(ctx, sub, { status: 'past_due' });
}

export function cancelSubscription(ctx: SessionContext, sub: Obj, opts: { reason?: string; comment?: string | null; feedback?: string | null } = {}): Obj {
  const now = ctx.nowUnix();
  for (const kind of Object.values(TIMER)) {
    for (const t of ctx.timers.pending(kind)) if ((t.payload as Obj)?.subscription === sub.id) ctx.timers.cancel(t.id);
  }
  const after = saveSubscription(
    ctx,
    sub,
    (s) => {
      s.status = 'canceled';
      s.canceled_at = s.canceled_at ?? now;
      s.ended_at = now;
      s.cancel_at_period_end = false;
      s.cancellation_details = { comment: opts.comment ?? s.cancellation_details?.comment ?? null, feedback: opts.feedback ?? s.cancellation_details?.feedback ?? null, reason: opts.reason ?? 'cancellation_requested' };
      return s;
    },
    'customer.subscription.deleted',
  );
  return after;
}

export function scheduleSubscriptionTimers(ctx: SessionContext, sub: Obj): void {
  const nowMs = ctx.now();
  for (const kind of [TIMER.periodEnd, TIMER.trialWillEnd]) {
    for (const t of ctx.timers.pending(kind)) if ((t.payload as Obj)?.subscription === sub.id) ctx.timers.cancel(t.id);
  }
  if (['canceled', 'incomplete_expired', 'incomplete'].includes(sub.status)) return;
  const end = sub.status === 'trialing' && sub.trial_end ? sub.trial_end : sub.current_period_end;
  ctx.timers.schedule(TIMER.periodEnd, { at: Math.max(nowMs, end * 1000) }, { subscription: sub.id, period_end: end });
  if (sub.status === 'trialing' && sub.trial_end && (sub.trial_end - 3 * DAY) * 1000 > nowMs) {
    ctx.timers.schedule(TIMER.trialWillEnd, { at: (sub.trial_end - 3 * DAY) * 1000 }, { subscription: sub.id, trial_end: sub.trial_end });
  }
}

/** Invoice the subscription's new period (draft, auto-advanced an hour later). */
export function invoiceNewPeriod(ctx: SessionContext, sub: Obj, billingReason: string, draftWindow = true): Obj {
  const customer = ctx.db.get<Obj>('customers', sub.customer)!;
  const inv = createInvoice(ctx, {
    customer,
    currency: sub.currency,
    billing_reason: billingReason,
    collection_method: sub.collection_method,
    days_until_due: sub.days_until_due,
    subscription: sub,
    lines: subscriptionLines(ctx, sub, { start: sub.current_period_start, end: sub.current_period_end }),
    period: { start: sub.current_period_start, end: sub.current_period_start },
    discount: sub.discount,
    default_payment_method: null,
  });
  if (sub.discount?.coupon?.duration === 'once') ctx.db.update('subscriptions', sub.id, (s: Obj) => ({ ...s, discount: null, discounts: [] }));
  if (draftWindow) ctx.timers.schedule(TIMER.autoAdvance, DRAFT_WINDOW_SECONDS * 1000, { invoice: inv.id });
  return inv;
}

export function onPeriodEnd(ctx: SessionContext, payload: { subscription: string; period_end: number }): void {
  const sub = ctx.db.get<Obj>('subscriptions', payload.subscription);
  if (!sub || ['canceled', 'incomplete_expired', 'incomplete'].includes(sub.status)) return;
  const boundary = sub.status === 'trialing' && sub.trial_end ? sub.trial_end : sub.current_period_end;
  if (boundary !== payload.period_end) return;
  if (sub.cancel_at_period_end || (sub.cancel_at && sub.cancel_at <= payload.period_end)) {
    cancelSubscription(ctx, sub, { reason: 'cancellation_requested' });
    return;
  }
  const start = payload.period_end;
  const end = nextPeriodEnd({ ...sub, billing_cycle_anchor: sub.status === 'trialing' ? start : sub.billing_cycle_anchor }, start);
  const wasTrial = sub.status === 'trialing';
  let updated = ctx.db.update<Obj>('subscriptions', sub.id, (s) =>
    normalizeSubscription({ ...s, current_period_start: start, current_period_end: end, status: wasTrial ? 'active' : s.status, billing_cycle_anchor: wasTrial ? start : s.billing_cycle_anchor }),
  )!;
  const inv = invoiceNewPeriod(ctx, updated, 'subscription_cycle');
  updated = ctx.db.update<Obj>('subscriptions', sub.id, { latest_invoice: inv.id })!;
  emitEvent(ctx, 'customer.subscription.updated', updated, previousAttributes(sub, updated));
  scheduleSubscriptionTimers(ctx, updated);
}

export function onAutoAdvance(ctx: SessionContext, payload: { invoice: string }): void {
  const inv = ctx.db.get<Obj>('invoices', payload.invoice);
  if (!inv || inv.status !== 'draft' || !inv.auto_advance) return;
  const open = finalizeInvoice(ctx, inv);
  if (open.status === 'open' && open.collection_method === 'charge_automatically') payInvoice(ctx, open, { automatic: true });
}

export function onRetry(ctx: SessionContext, payload: { invoice: string; attempt: number }): void {
  const inv = ctx.db.get<Obj>('invoices', payload.invoice);
  if (!inv || inv.status !== 'open' || inv.attempt_count !== payload.attempt) return;
  payInvoice(ctx, inv, { automatic: true });
}

export function onTrialWillEnd(ctx: SessionContext, payload: { subscription: string; trial_end: number }): void {
  const sub = ctx.db.get<Obj>('subscriptions', payload.subscription);
  if (!sub || sub.status !== 'trialing' || sub.trial_end !== payload.trial_end) return;
  emitEvent(ctx, 'customer.subscription.trial_will_end', sub);
}

export function onIncompleteExpiry(ctx: SessionContext, payload: { subscription: string }): void {
  const sub = ctx.db.get<Obj>('subscriptions', payload.subscription);
  if (!sub || sub.status !== 'incomplete') return;
  const inv = sub.latest_invoice ? ctx.db.get<Obj>('invoices', sub.latest_invoice) : undefined;
  if (inv && inv.status === 'open') voidInvoice(ctx, inv);
  saveSubscription(ctx, ctx.db.get<Obj>('subscriptions', sub.id)!, { status: 'incomplete_expired', ended_at: ctx.nowUnix() }, 'customer.subscription.deleted');
}

export const BILLING_TIMERS = {
  [TIMER.periodEnd]: onPeriodEnd,
  [TIMER.autoAdvance]: onAutoAdvance,
  [TIMER.retry]: onRetry,
  [TIMER.trialWillEnd]: onTrialWillEnd,
  [TIMER.incompleteExpiry]: onIncompleteExpiry,
};

export { HOUR, DAY };
