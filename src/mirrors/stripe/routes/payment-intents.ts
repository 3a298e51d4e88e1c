/** /v1/payment_intents: create (optionally confirm), retrieve, update, list, confirm, capture, cancel. */
import type { RouteDefinition } from '../../core/definition.js';
import type { RouteContext } from '../../core/context.js';
import { fail, invalid } from '../errors.js';
import { emitEvent, previousAttributes } from '../events.js';
import { expand, listReply } from '../list.js';
import { KINDS, type Obj } from '../objects.js';
import { ADDRESS, LIST_PARAMS, currency, mergeMetadata, params, type Schema } from '../params.js';
import { capturePaymentIntent, cardErrorReply, confirmPaymentIntent, paymentIntentObject, resolvePaymentMethod, updatePi, type ConfirmResult } from '../payments.js';
import { load, matchesSearch, parseSearch, searchReply } from '../resources.js';
import { ok, route } from '../request.js';

const SHIPPING = { object: { address: ADDRESS, name: 'string', phone: 'string', carrier: 'string', tracking_number: 'string' } } as const;

const CONFIRM: Schema = {
  payment_method: 'string',
  return_url: 'string',
  off_session: { oneOf: ['bool', { enum: ['one_off', 'recurring'] }] },
  error_on_requires_action: 'bool',
  mandate_data: 'any',
  payment_method_options: 'any',
  payment_method_data: 'any',
  receipt_email: 'string',
  setup_future_usage: { enum: ['off_session', 'on_session'] },
  shipping: SHIPPING,
  use_stripe_sdk: 'bool',
  capture_method: { enum: ['automatic', 'automatic_async', 'manual'] },
  confirmation_token: 'string',
  radar_options: 'any',
};

const CREATE: Schema = {
  amount: 'int',
  currency: 'string',
  automatic_payment_methods: { object: { enabled: 'bool', allow_redirects: { enum: ['always', 'never'] } } },
  confirm: 'bool',
  confirmation_method: { enum: ['automatic', 'manual'] },
  customer: 'string',
  description: 'string',
  metadata: 'metadata',
  payment_method_types: 'strings',
  statement_descriptor: 'string',
  statement_descriptor_suffix: 'string',
  application_fee_amount: 'int',
  on_behalf_of: 'string',
  transfer_data: 'any',
  transfer_group: 'string',
  payment_method_configuration: 'string',
  ...CONFIRM,
};

function minimumAmount(cur: string): number {
  return ['jpy', 'krw'].includes(cur) ? 50 : 50;
}

/** The reply to a confirmation: the PaymentIntent, or a 402 card error (the attempt is kept). */
function confirmReply(ctx: RouteContext, result: ConfirmResult, p: Obj) {
  if (result.error) return cardErrorReply(result.error);
  if (p.error_on_requires_action && result.pi.status === 'requires_action') {
    return cardErrorReply({ type: 'card_error', code: 'authentication_required', decline_code: 'authentication_required', message: 'This payment required an authentication action to complete, but `error_on_requires_action` was set. When you\'re ready, you can upgrade your integration to handle actions at https://stripe.com/docs/payments/payment-intents/upgrade-to-handle-actions.', payment_intent: result.pi });
  }
  return ok(expand(ctx, result.pi, p.expand));
}

function isOffSession(v: unknown): boolean {
  return v === true || v === 'one_off' || v === 'recurring';
}

export const paymentIntentRoutes: RouteDefinition[] = [
  route('POST', '/v1/payment_intents', (ctx) => {
    const p = params(ctx, CREATE, ['amount', 'currency']);
    const cur = currency(p.currency);
    if (p.amount < minimumAmount(cur)) invalid(`Amount must be at least $0.50 ${cur}`, 'amount', 'amount_too_small');
    if (p.amount > 99999999) invalid('Amount must be no more than $999,999.99', 'amount', 'amount_too_large');
    if (p.customer) load(ctx, KINDS.customer, p.customer, 'customer');
    if (p.automatic_payment_methods && p.payment_method_types) {
      invalid('You may only specify one of these parameters: automatic_payment_methods, payment_method_types.', 'automatic_payment_methods', 'parameters_exclusive');
    }
    let pmId: string | null = null;
    if (p.payment_method) {
      const pm = resolvePaymentMethod(ctx, p.payment_method);
      if (pm.customer && p.customer && pm.customer !== p.customer) {
        invalid(`The provided PaymentMethod belongs to a different Customer. Please use the Customer that owns this PaymentMethod.`, 'payment_method');
      }
      pmId = pm.id;
    }
    if (p.off_session !== undefined && !p.confirm) invalid('You can only pass `off_session` when you also pass `confirm=true`.', 'off_session');
    const pi = ctx.db.insert(
      'payment_intents',
      paymentIntentObject(ctx, {
        amount: p.amount,
        currency: cur,
        customer: p.customer,
        description: p.description,
        metadata: mergeMetadata({}, p.metadata),
        payment_method: pmId,
        payment_method_types: p.payment_method_types ?? ['card'],
        automatic_payment_methods: p.automatic_payment_methods ?? (p.payment_method_types ? null : { enabled: true, allow_redirects: 'always' }),
        capture_method: p.capture_method,
        confirmation_method: p.confirmation_method,
        receipt_email: p.receipt_email,
        setup_future_usage: p.setup_future_usage,
        statement_descriptor: p.statement_descriptor,
        statement_descriptor_suffix: p.statement_descriptor_suffix,
        shipping: p.shipping,
      }),
    );
    emitEvent(ctx, 'payment_intent.created', pi);
    if (!p.confirm) return expand(ctx, pi, p.expand);
    if (!pmId) {
      fail(400, {
        type: 'invalid_request_error',
        code: 'payment_intent_unexpected_state',
        message:
          "You cannot confirm this PaymentIntent because it's missing a payment method. You can either update the PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment method or ConfirmationToken.",
        param: 'payment_method',
      });
    }
    return confirmReply(ctx, confirmPaymentIntent(ctx, pi, { offSession: isOffSession(p.off_session), returnUrl: p.return_url }), p);
  }),
  route('GET', '/v1/payment_intents', (ctx) => {
    const p = params(ctx, { ...LIST_PARAMS, customer: 'string' });
    return listReply(ctx, KINDS.payment_intent, p, '/v1/payment_intents', { where: p.customer ? { customer: p.customer } : undefined });
  }),
  route('GET', '/v1/payment_intents/search', (ctx) => {
    const p = params(ctx, { query: 'string', limit: 'int', page: 'string' }, ['query']);
    const groups = parseSearch(p.query);
    const rows = ctx.db.list<Obj>('payment_intents', { order: 'desc' }).filter((r) => matchesSearch(r, groups));
    return expand(ctx, searchReply(rows, '/v1/payment_intents/search', p.limit ?? 10, p.page), p.expand);
  }),
  route('GET', '/v1/payment_intents/:id', (ctx) => {
    const p = params(ctx, { client_secret: 'string' });
    return expand(ctx, load(ctx, KINDS.payment_intent, ctx.req.params.id, 'intent'), p.expand);
  }),
  route('POST', '/v1/payment_intents/:id', (ctx) => {
    const p = params(ctx, {
      amount: 'int',
      currency: 'string',
      customer: 'string',
      description: 'string',
      metadata: 'metadata',
      payment_method: 'string',
      payment_method_types: 'strings',
      receipt_email: 'string',
      setup_future_usage: { enum: ['off_session', 'on_session'] },
      shipping: SHIPPING,
      statement_descriptor: 'string',
      statement_descriptor_suffix: 'string',
      capture_method: { enum: ['automatic', 'automatic_async', 'manual'] },
      payment_method_options: 'any',
      payment_method_data: 'any',
      transfer_group: 'string',
    });
    const before = load(ctx, KINDS.payment_intent, ctx.req.params.id, 'intent');
    if (['succeeded', 'canceled', 'processing'].includes(before.status)) {
      fail(400, {
        type: 'invalid_request_error',
        code: 'payment_intent_unexpected_state',
        message: `This PaymentIntent's ${Object.keys(p).filter((k) => k !== 'expand').join(', ') || 'parameters'} could not be updated because it has a status of ${before.status}. You may only update the ${Object.keys(p).filter((k) => k !== 'expand').join(', ') || 'parameters'} of a PaymentIntent with one of the following statuses: requires_payment_method, requires_confirmation, requires_action.`,
        payment_intent: before,
      });
    }
    if (p.customer) load(ctx, KINDS.customer, p.customer, 'customer');
    const pmId = p.payment_method ? resolvePaymentMethod(ctx, p.payment_method).id : undefined;
    const patch: Obj = {};
    for (const k of ['amount', 'customer', 'description', 'receipt_email', 'setup_future_usage', 'shipping', 'statement_descriptor', 'statement_descriptor_suffix', 'capture_method', 'payment_method_types']) {
      if (k in p) patch[k] = p[k];
    }
    if (p.currency) patch.currency = currency(p.currency);
    if (p.metadata !== undefined) patch.metadata = mergeMetadata(before.metadata, p.metadata);
    if (pmId) {
      patch.payment_method = pmId;
      patch.status = 'requires_confirmation';
    }
    const after = ctx.db.update<Obj>('payment_intents', before.id, patch)!;
    return expand(ctx, after, p.expand);
  }),
  route('POST', '/v1/payment_intents/:id/confirm', (ctx) => {
    const p = params(ctx, { ...CONFIRM, client_secret: 'string' });
    let pi = load(ctx, KINDS.payment_intent, ctx.req.params.id, 'intent');
    if (p.payment_method) {
      const pm = resolvePaymentMethod(ctx, p.payment_method);
      if (['requires_payment_method', 'requires_confirmation', 'requires_action'].includes(pi.status)) {
        pi = ctx.db.update<Obj>('payment_intents', pi.id, { payment_method: pm.id, status: 'requires_confirmation' })!;
      }
    }
    if (p.receipt_email !== undefined) pi = ctx.db.update<Obj>('payment_intents', pi.id, { receipt_email: p.receipt_email })!;
    if (p.capture_method) pi = ctx.db.update<Obj>('payment_intents', pi.id, { capture_method: p.capture_method })!;
    return confirmReply(ctx, confirmPaymentIntent(ctx, pi, { offSession: isOffSession(p.off_session), returnUrl: p.return_url }), p);
  }),
  route('POST', '/v1/payment_intents/:id/capture', (ctx) => {
    const p = params(ctx, { amount_to_capture: 'int', metadata: 'metadata', final_capture: 'bool', application_fee_amount: 'int', statement_descriptor: 'string', statement_descriptor_suffix: 'string' });
    const pi = load(ctx, KINDS.payment_intent, ctx.req.params.id, 'intent');
    return expand(ctx, capturePaymentIntent(ctx, pi, p.amount_to_capture), p.expand);
  }),
  route('POST', '/v1/payment_intents/:id/cancel', (ctx) => {
    const p = params(ctx, { cancellation_reason: { enum: ['duplicate', 'fraudulent', 'requested_by_customer', 'abandoned'] } });
    const pi = load(ctx, KINDS.payment_intent, ctx.req.params.id, 'intent');
    if (!['requires_payment_method', 'requires_capture', 'requires_confirmation', 'requires_action', 'processing'].includes(pi.status)) {
      fail(400, {
        type: 'invalid_request_error',
        code: 'payment_intent_unexpected_state',
        message: `You cannot cancel this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be canceled: requires_payment_method, requires_capture, requires_confirmation, requires_action, processing.`,
        payment_intent: pi,
      });
    }
    if (pi.invoice) invalid('You may not cancel a PaymentIntent that was created by an invoice. Void the invoice instead.', undefined, 'payment_intent_unexpected_state');
    if (pi.status === 'requires_capture' && pi.latest_charge) {
      const ch = ctx.db.get<Obj>('charges', pi.latest_charge)!;
      const after = ctx.db.update<Obj>('charges', ch.id, { amount_refunded: ch.amount, refunded: true })!;
      emitEvent(ctx, 'charge.refunded', after, previousAttributes(ch, after));
    }
    const after = updatePi(ctx, pi, { status: 'canceled', canceled_at: ctx.nowUnix(), cancellation_reason: p.cancellation_reason ?? null, next_action: null, amount_capturable: 0 }, 'payment_intent.canceled');
    return expand(ctx, after, p.expand);
  }),
];
