/**
 * Seeds: rows are Stripe objects as the API returns them (un-expanded); missing fields get
 * Stripe's defaults, so a fixture can say just `{ "id": "cus_alice", "email": "…" }`.
 * Timestamps may be unix seconds, ISO 8601 or offsets from the session clock (`-3d`, `+30d`,
 * `now`). Rows are inserted in the order of `records` keys: list products and prices before
 * subscriptions, customers and payment methods before what references them.
 *
 * Shorthands: a subscription may give `price` (+ `quantity`) or `items: [{ price, quantity }]`
 * with price ids; an invoice may give `amount_due` instead of lines; a card payment method
 * may give `card: { last4: '0341' }` (a card that attaches but declines) or `token:
 * 'pm_card_chargeCustomerFail'`.
 */
import type { SessionContext } from '../core/context.js';
import { testToken } from './cards.js';
import { customerObject } from './routes/customers.js';
import { couponObject, priceObject, productObject } from './routes/catalog.js';
import { chargeObject, paymentIntentObject, paymentMethodObject } from './payments.js';
import { KINDS, newId, type Obj } from './objects.js';
import { TIMER, buildInvoice, itemObject, nextPeriodEnd, normalizeSubscription, recomputeTotals, scheduleSubscriptionTimers, subscriptionLines, subscriptionShell } from './billing.js';
import { seedTime } from './time.js';

const TIME_FIELDS = ['created', 'current_period_start', 'current_period_end', 'trial_start', 'trial_end', 'canceled_at', 'ended_at', 'cancel_at', 'start_date', 'billing_cycle_anchor', 'next_payment_attempt', 'due_date', 'redeem_by', 'period_start', 'period_end', 'effective_at', 'updated'];

function need(entity: string, r: Obj, field: string): void {
  if (r[field] === undefined || r[field] === null || r[field] === '') throw new Error(`records.${entity}: '${String(r.id ?? '?')}' needs '${field}'.`);
}

function ref(ctx: SessionContext, entity: string, id: string, from: string): Obj {
  const row = ctx.db.get<Obj>(entity, id);
  if (!row) throw new Error(`${from} references ${entity} '${id}', which is not in the seed (list ${entity} before it).`);
  return row;
}

export function prepareSeedRecord(entity: string, record: Record<string, unknown>, ctx: SessionContext): Record<string, unknown> {
  const now = ctx.now();
  const r: Obj = { ...record };
  for (const f of TIME_FIELDS) if (f in r) r[f] = seedTime(r[f], now);
  r.created ??= Math.floor(now / 1000);
  switch (entity) {
    case 'customers':
      return customerObject(ctx, r);
    case 'products':
      need(entity, r, 'name');
      return productObject(ctx, r);
    case 'prices':
      need(entity, r, 'product');
      ref(ctx, 'products', r.product, `records.prices '${r.id}'`);
      return priceObject(ctx, { ...r, currency: String(r.currency ?? 'usd').toLowerCase() });
    case 'coupons':
      return couponObject(ctx, r);
    case 'payment_methods': {
      const token = typeof r.token === 'string' ? testToken(r.token) : undefined;
      if (r.token !== undefined && !token) throw new Error(`records.payment_methods: unknown test token '${String(r.token)}'.`);
      const { token: _t, ...rest } = r;
      return paymentMethodObject(ctx, { ...rest, card: { ...(token ?? {}), ...(r.card ?? {}) } });
    }
    case 'payment_intents': {
      need(entity, r, 'amount');
      const base = paymentIntentObject(ctx, { amount: r.amount, currency: String(r.currency ?? 'usd').toLowerCase(), customer: r.customer, payment_method: r.payment_method, description: r.description, metadata: r.metadata, invoice: r.invoice }, r.id ?? newId(ctx, KINDS.payment_intent));
      const status = r.status ?? base.status;
      return {
        ...base,
        ...r,
        status,
        amount_received: r.amount_received ?? (status === 'succeeded' ? r.amount : 0),
        client_secret: base.client_secret,
        object: 'payment_intent',
        livemode: false,
      };
    }
    case 'charges': {
      need(entity, r, 'amount');
      const pm = r.payment_method ? ctx.db.get<Obj>('payment_methods', r.payment_method) : undefined;
      const pi = r.payment_intent ? ctx.db.get<Obj>('payment_intents', r.payment_intent) : undefined;
      const status = r.status ?? 'succeeded';
      const base = chargeObject(ctx, {
        id: r.id,
        amount: r.amount,
        currency: String(r.currency ?? pi?.currency ?? 'usd').toLowerCase(),
        customer: r.customer ?? pi?.customer ?? null,
        payment_intent: r.payment_intent ?? null,
        paymentMethod: pm ?? (pi?.payment_method ? ctx.db.get<Obj>('payment_methods', pi.payment_method) : undefined) ?? paymentMethodObject(ctx, { card: { brand: 'visa', last4: '4242' } }),
        status,
        captured: r.captured ?? status === 'succeeded',
        created: r.created,
        description: r.description,
        invoice: r.invoice,
        metadata: r.metadata,
        failure: status === 'failed' ? { code: r.failure_code ?? 'card_declined', message: r.failure_message ?? 'Your card was declined.', decline_code: 'generic_decline' } : undefined,
      });
      const amountRefunded = r.amount_refunded ?? 0;
      return { ...base, ...r, status, amount_refunded: amountRefunded, refunded: r.refunded ?? (amountRefunded > 0 && amountRefunded >= base.amount_captured), object: 'charge', livemode: false };
    }
    case 'refunds': {
      need(entity, r, 'amount');
      need(entity, r, 'charge');
      const charge = ref(ctx, 'charges', r.charge, `records.refunds '${r.id}'`);
      return { object: 'refund', balance_transaction: null, currency: charge.currency, destination_details: null, metadata: {}, payment_intent: charge.payment_intent, reason: null, receipt_number: null, source_transfer_reversal: null, status: 'succeeded', transfer_reversal: null, ...r };
    }
    case 'subscriptions':
      return prepareSubscription(ctx, r);
    case 'invoices':
      return prepareInvoice(ctx, r);
    default:
      return r;
  }
}

function prepareSubscription(ctx: SessionContext, r: Obj): Obj {
  need('subscriptions', r, 'customer');
  const customer = ref(ctx, 'customers', r.customer, `records.subscriptions '${r.id}'`);
  const itemInputs: Obj[] = Array.isArray(r.items) ? r.items : r.items?.data ? r.items.data : r.price ? [{ price: r.price, quantity: r.quantity ?? 1 }] : [];
  if (itemInputs.length === 0) throw new Error(`records.subscriptions: '${String(r.id)}' needs 'price' or 'items'.`);
  const status = r.status ?? 'active';
  const start = r.current_period_start ?? r.created;
  const sub: Obj = {
    id: r.id ?? newId(ctx, KINDS.subscription),
    ...subscriptionShell(),
    billing_cycle_anchor: r.billing_cycle_anchor ?? start,
    cancel_at: r.cancel_at ?? null,
    cancel_at_period_end: r.cancel_at_period_end ?? false,
    canceled_at: r.canceled_at ?? (status === 'canceled' ? Math.floor(ctx.now() / 1000) : null),
    cancellation_details: { comment: null, feedback: null, reason: status === 'canceled' ? 'cancellation_requested' : null },
    collection_method: r.collection_method ?? 'charge_automatically',
    created: r.created,
    currency: 'usd',
    current_period_end: 0,
    current_period_start: start,
    customer: customer.id,
    days_until_due: r.days_until_due ?? null,
    default_payment_method: r.default_payment_method ?? null,
    description: r.description ?? null,
    ended_at: r.ended_at ?? (status === 'canceled' || status === 'incomplete_expired' ? Math.floor(ctx.now() / 1000) : null),
    items: { data: [] },
    latest_invoice: r.latest_invoice ?? null,
    metadata: r.metadata ?? {},
    start_date: r.start_date ?? r.created,
    status,
    trial_end: r.trial_end ?? null,
    trial_start: r.trial_start ?? (r.trial_end ? start : null),
  };
  sub.items.data = itemInputs.map((it, i) => {
    const priceId = typeof it.price === 'string' ? it.price : it.price?.id;
    const price = ref(ctx, 'prices', priceId, `records.subscriptions '${sub.id}' items[${i}]`);
    return itemObject(ctx, sub, price, it.quantity ?? 1, { id: it.id, created: sub.created });
  });
  sub.currency = sub.items.data[0].price.currency;
  sub.current_period_end = r.current_period_end ?? (status === 'trialing' && sub.trial_end ? sub.trial_end : nextPeriodEnd(sub, start));
  if (r.discount) sub.discount = r.discount;
  return normalizeSubscription(sub);
}

function prepareInvoice(ctx: SessionContext, r: Obj): Obj {
  need('invoices', r, 'customer');
  const customer = ref(ctx, 'customers', r.customer, `records.invoices '${r.id}'`);
  const sub = r.subscription ? ref(ctx, 'subscriptions', r.subscription, `records.invoices '${r.id}'`) : null;
  const period = { start: r.period_start ?? sub?.current_period_start ?? r.created, end: r.period_end ?? sub?.current_period_end ?? r.created };
  let lines = sub ? subscriptionLines(ctx, sub, period) : [];
  if (typeof r.amount_due === 'number' && (lines.length === 0 || lines.reduce((s, l) => s + l.amount, 0) !== r.amount_due)) {
    lines = [{ amount: r.amount_due, description: r.description ?? 'Invoice item', quantity: 1, period, type: sub ? 'subscription' : 'invoiceitem', subscription: sub?.id ?? null, price: null }];
  }
  const inv = buildInvoice(ctx, {
    id: r.id,
    customer,
    currency: String(r.currency ?? sub?.currency ?? 'usd').toLowerCase(),
    billing_reason: r.billing_reason ?? (sub ? 'subscription_cycle' : 'manual'),
    collection_method: r.collection_method,
    subscription: sub,
    lines,
    period,
    description: r.description,
    metadata: r.metadata,
    auto_advance: r.auto_advance,
  });
  const status = r.status ?? 'draft';
  const created = r.created;
  inv.created = created;
  inv.status = status;
  inv.attempt_count = r.attempt_count ?? 0;
  inv.attempted = inv.attempt_count > 0;
  inv.next_payment_attempt = r.next_payment_attempt ?? null;
  if (status !== 'draft') {
    inv.number = r.number ?? `${customer.invoice_prefix}-${String(customer.next_invoice_sequence).padStart(4, '0')}`;
    ctx.db.update('customers', customer.id, { next_invoice_sequence: customer.next_invoice_sequence + 1 });
    inv.status_transitions.finalized_at = created;
    inv.effective_at = created;
    inv.hosted_invoice_url = `https://invoice.stripe.com/i/acct_mirra/test_${inv.id}`;
    inv.invoice_pdf = `https://pay.stripe.com/invoice/acct_mirra/test_${inv.id}/pdf`;
  }
  if (status === 'paid') {
    inv.paid = true;
    inv.amount_paid = inv.amount_due;
    inv.status_transitions.paid_at = created;
    inv.attempted = true;
    inv.attempt_count = Math.max(1, inv.attempt_count);
  }
  if (status === 'void') inv.status_transitions.voided_at = created;
  if (status === 'uncollectible') inv.status_transitions.marked_uncollectible_at = created;
  inv.payment_intent = r.payment_intent ?? null;
  inv.charge = r.charge ?? null;
  return recomputeTotals(inv, Math.floor(ctx.now() / 1000));
}

/** Timers for seeded subscriptions and invoices in flight; payment intents for open invoices. */
export function afterSeed(ctx: SessionContext): void {
  const nowMs = ctx.now();
  for (const inv of ctx.db.list<Obj>('invoices')) {
    if (inv.status === 'open' && inv.collection_method === 'charge_automatically' && inv.amount_remaining > 0 && !inv.payment_intent) {
      const pi = ctx.db.insert('payment_intents', paymentIntentObject(ctx, { amount: inv.amount_remaining, currency: inv.currency, customer: inv.customer, invoice: inv.id, description: 'Subscription update' }));
      ctx.db.update('invoices', inv.id, { payment_intent: pi.id });
    }
    if (inv.status === 'open' && inv.next_payment_attempt) {
      ctx.timers.schedule(TIMER.retry, { at: Math.max(nowMs, inv.next_payment_attempt * 1000) }, { invoice: inv.id, attempt: inv.attempt_count });
    }
    if (inv.status === 'draft' && inv.auto_advance) ctx.timers.schedule(TIMER.autoAdvance, { at: Math.max(nowMs, (inv.created + 3600) * 1000) }, { invoice: inv.id });
  }
  for (const sub of ctx.db.list<Obj>('subscriptions')) {
    if (!sub.latest_invoice) {
      const latest = ctx.db.list<Obj>('invoices', { where: { subscription: sub.id }, order: 'desc', limit: 1 })[0];
      if (latest) ctx.db.update('subscriptions', sub.id, { latest_invoice: latest.id });
    }
    if (sub.status === 'incomplete') ctx.timers.schedule(TIMER.incompleteExpiry, { at: Math.max(nowMs, (sub.created + 23 * 3600) * 1000) }, { subscription: sub.id });
    else scheduleSubscriptionTimers(ctx, ctx.db.get<Obj>('subscriptions', sub.id)!);
  }
}
