/** /v1/charges (created by PaymentIntents: retrieve, update, list, capture), /v1/refunds, /v1/disputes, balance. */
import type { RouteDefinition } from '../../core/definition.js';
import type { SessionContext } from '../../core/context.js';
import { fail, invalid, noSuch } from '../errors.js';
import { emitEvent, previousAttributes } from '../events.js';
import { expand, listReply } from '../list.js';
import { KINDS, newId, type Obj } from '../objects.js';
import { LIST_PARAMS, mergeMetadata, params } from '../params.js';
import { capturePaymentIntent, refundBalanceTransaction } from '../payments.js';
import { load, matchesSearch, parseSearch, searchReply } from '../resources.js';
import { route } from '../request.js';

function money(amount: number, cur: string): string {
  return cur === 'usd' ? `$${(amount / 100).toFixed(2)}` : `${(amount / 100).toFixed(2)} ${cur}`;
}

export interface RefundInput {
  charge?: string;
  payment_intent?: string;
  amount?: number;
  reason?: string | null;
  metadata?: Obj;
}

/** Refund all or part of a succeeded charge; updates the charge and emits charge.refunded + refund.created. */
export function createRefund(ctx: SessionContext, input: RefundInput): Obj {
  let charge: Obj;
  let piId: string | null = null;
  if (input.payment_intent) {
    const pi = ctx.db.get<Obj>('payment_intents', input.payment_intent);
    if (!pi) noSuch('payment_intent', input.payment_intent, 'payment_intent');
    piId = pi!.id;
    if (!pi!.latest_charge || pi!.status !== 'succeeded') {
      invalid(`This PaymentIntent (${pi!.id}) does not have a successful charge to refund.`, 'payment_intent', 'charge_not_refundable' as string);
    }
    charge = ctx.db.get<Obj>('charges', pi!.latest_charge)!;
    if (input.charge && input.charge !== charge.id) invalid(`The charge '${input.charge}' does not belong to PaymentIntent '${pi!.id}'.`, 'charge');
  } else if (input.charge) {
    const ch = ctx.db.get<Obj>('charges', input.charge);
    if (!ch) noSuch('charge', input.charge, 'charge');
    charge = ch!;
    piId = charge.payment_intent;
  } else {
    return invalid('One of the following params should be provided for this request: payment_intent or charge.', undefined, 'parameter_missing');
  }
  if (charge.status !== 'succeeded' || !charge.captured) {
    invalid(`Charge ${charge.id} has not been captured or has failed, and cannot be refunded.`, undefined, 'charge_not_refundable' as string);
  }
  if (charge.refunded || charge.amount_refunded >= charge.amount_captured) {
    invalid(`Charge ${charge.id} has already been refunded.`, undefined, 'charge_already_refunded');
  }
  const remaining = charge.amount_captured - charge.amount_refunded;
  const amount = input.amount ?? remaining;
  if (amount <= 0) invalid('Invalid positive integer', 'amount', 'parameter_invalid_integer');
  if (amount > remaining) {
    invalid(
      charge.amount_refunded > 0
        ? `Refund amount (${money(amount, charge.currency)}) is greater than unrefunded amount on charge (${money(remaining, charge.currency)})`
        : `Refund amount (${money(amount, charge.currency)}) is greater than charge amount (${money(charge.amount, charge.currency)})`,
      'amount',
      'amount_too_large',
    );
  }
  const id = newId(ctx, KINDS.refund);
  const refund = ctx.db.insert('refunds', {
    id,
    object: 'refund',
    amount,
    balance_transaction: refundBalanceTransaction(ctx, amount, charge.currency, id),
    charge: charge.id,
    created: ctx.nowUnix(),
    currency: charge.currency,
    destination_details: { card: { reference_status: 'pending', reference_type: 'acquirer_reference_number', type: 'refund' }, type: 'card' },
    metadata: input.metadata ?? {},
    payment_intent: piId,
    reason: input.reason ?? null,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
  });
  const after = ctx.db.update<Obj>('charges', charge.id, (c) => {
    c.amount_refunded += amount;
    c.refunded = c.amount_refunded >= c.amount_captured;
    return c;
  })!;
  emitEvent(ctx, 'charge.refunded', after, previousAttributes(charge, after));
  emitEvent(ctx, 'refund.created', refund);
  return refund;
}

export const chargeRoutes: RouteDefinition[] = [
  route('GET', '/v1/charges', (ctx) => {
    const p = params(ctx, { ...LIST_PARAMS, customer: 'string', payment_intent: 'string', transfer_group: 'string' });
    return listReply(ctx, KINDS.charge, p, '/v1/charges', {
      where: { ...(p.customer ? { customer: p.customer } : {}), ...(p.payment_intent ? { payment_intent: p.payment_intent } : {}) },
    });
  }),
  route('GET', '/v1/charges/search', (ctx) => {
    const p = params(ctx, { query: 'string', limit: 'int', page: 'string' }, ['query']);
    const groups = parseSearch(p.query);
    const rows = ctx.db.list<Obj>('charges', { order: 'desc' }).filter((r) => matchesSearch(r, groups));
    return expand(ctx, searchReply(rows, '/v1/charges/search', p.limit ?? 10, p.page), p.expand);
  }),
  route('GET', '/v1/charges/:id', (ctx) => {
    const p = params(ctx, {});
    return expand(ctx, load(ctx, KINDS.charge, ctx.req.params.id, 'id'), p.expand);
  }),
  route('POST', '/v1/charges/:id', (ctx) => {
    const p = params(ctx, { description: 'string', metadata: 'metadata', receipt_email: 'string', fraud_details: 'any', shipping: 'any', transfer_group: 'string', customer: 'string' });
    const before = load(ctx, KINDS.charge, ctx.req.params.id, 'id');
    const after = ctx.db.update<Obj>('charges', before.id, (c) => {
      for (const k of ['description', 'receipt_email', 'shipping', 'transfer_group', 'customer']) if (k in p) c[k] = p[k];
      c.metadata = mergeMetadata(c.metadata, p.metadata);
      return c;
    })!;
    const prev = previousAttributes(before, after);
    if (prev) emitEvent(ctx, 'charge.updated', after, prev);
    return expand(ctx, after, p.expand);
  }),
  route('POST', '/v1/charges/:id/capture', (ctx) => {
    const p = params(ctx, { amount: 'int', receipt_email: 'string', statement_descriptor: 'string', statement_descriptor_suffix: 'string', application_fee_amount: 'int', transfer_group: 'string' });
    const charge = load(ctx, KINDS.charge, ctx.req.params.id, 'id');
    if (charge.captured) invalid(`Charge ${charge.id} has already been captured.`, undefined, 'charge_already_captured');
    if (!charge.payment_intent) fail(400, { type: 'invalid_request_error', message: `Charge ${charge.id} cannot be captured.` });
    capturePaymentIntent(ctx, load(ctx, KINDS.payment_intent, charge.payment_intent), p.amount);
    return expand(ctx, ctx.db.get<Obj>('charges', charge.id)!, p.expand);
  }),
  route('POST', '/v1/refunds', (ctx) => {
    const p = params(ctx, {
      amount: 'int',
      charge: 'string',
      payment_intent: 'string',
      reason: { enum: ['duplicate', 'fraudulent', 'requested_by_customer'] },
      metadata: 'metadata',
      instructions_email: 'string',
      refund_application_fee: 'bool',
      reverse_transfer: 'bool',
      origin: 'string',
      currency: 'string',
      customer: 'string',
    });
    const refund = createRefund(ctx, { charge: p.charge, payment_intent: p.payment_intent, amount: p.amount, reason: p.reason, metadata: mergeMetadata({}, p.metadata) });
    return expand(ctx, refund, p.expand);
  }),
  route('GET', '/v1/refunds', (ctx) => {
    const p = params(ctx, { ...LIST_PARAMS, charge: 'string', payment_intent: 'string' });
    return listReply(ctx, KINDS.refund, p, '/v1/refunds', {
      where: { ...(p.charge ? { charge: p.charge } : {}), ...(p.payment_intent ? { payment_intent: p.payment_intent } : {}) },
    });
  }),
  route('GET', '/v1/refunds/:id', (ctx) => {
    const p = params(ctx, {});
    return expand(ctx, load(ctx, KINDS.refund, ctx.req.params.id, 'refund'), p.expand);
  }),
  route('POST', '/v1/refunds/:id', (ctx) => {
    const p = params(ctx, { metadata: 'metadata' });
    const before = load(ctx, KINDS.refund, ctx.req.params.id, 'refund');
    const after = ctx.db.update<Obj>('refunds', before.id, (r) => ({ ...r, metadata: mergeMetadata(r.metadata, p.metadata) }))!;
    const prev = previousAttributes(before, after);
    if (prev) emitEvent(ctx, 'refund.updated', after, prev);
    return expand(ctx, after, p.expand);
  }),
  route('GET', '/v1/disputes', (ctx) => {
    const p = params(ctx, { ...LIST_PARAMS, charge: 'string', payment_intent: 'string' });
    return listReply(ctx, KINDS.dispute, p, '/v1/disputes', {
      where: { ...(p.charge ? { charge: p.charge } : {}), ...(p.payment_intent ? { payment_intent: p.payment_intent } : {}) },
    });
  }),
  route('GET', '/v1/disputes/:id', (ctx) => {
    const p = params(ctx, {});
    return expand(ctx, load(ctx, KINDS.dispute, ctx.req.params.id, 'dispute'), p.expand);
  }),
  route('GET', '/v1/balance_transactions', (ctx) => {
    const p = params(ctx, { ...LIST_PARAMS, type: 'string', source: 'string', currency: 'string', payout: 'string' });
    return listReply(ctx, KINDS.balance_transaction, p, '/v1/balance_transactions', {
      where: { ...(p.type ? { type: p.type } : {}), ...(p.source ? { source: p.source } : {}) },
    });
  }),
  route('GET', '/v1/balance_transactions/:id', (ctx) => {
    const p = params(ctx, {});
    return expand(ctx, load(ctx, KINDS.balance_transaction, ctx.req.params.id, 'id'), p.expand);
  }),
  route('GET', '/v1/balance', (ctx) => {
    params(ctx, {});
    const byCurrency = new Map<string, { available: number; pending: number }>();
    const now = ctx.nowUnix();
    for (const t of ctx.db.list<Obj>('balance_transactions')) {
      const b = byCurrency.get(t.currency) ?? { available: 0, pending: 0 };
      if (t.available_on <= now) b.available += t.net;
      else b.pending += t.net;
      byCurrency.set(t.currency, b);
    }
    if (byCurrency.size === 0) byCurrency.set('usd', { available: 0, pending: 0 });
    const entries = [...byCurrency.entries()];
    return {
      object: 'balance',
      available: entries.map(([currency, b]) => ({ amount: b.available, currency, source_types: { card: b.available } })),
      connect_reserved: entries.map(([currency]) => ({ amount: 0, currency })),
      livemode: false,
      pending: entries.map(([currency, b]) => ({ amount: b.pending, currency, source_types: { card: b.pending } })),
    };
  }),
];
