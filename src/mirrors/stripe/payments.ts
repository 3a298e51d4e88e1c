/**
 * Payment methods, charges and the PaymentIntent state machine:
 * requires_payment_method → requires_confirmation → (requires_action) → succeeded |
 * requires_capture, or back to requires_payment_method on a decline (402 card_error with the
 * PaymentIntent embedded). Used by the API routes, invoices and simulate alike.
 */
import type { SessionContext } from '../core/context.js';
import { behaviorOf, cardDetails, testToken, type DeclineSpec } from './cards.js';
import { errorObject, errorReply, fail, invalid, noSuch, type StripeErrorFields } from './errors.js';
import { emitEvent, previousAttributes } from './events.js';
import { KINDS, newId, type Obj } from './objects.js';

export const emptyAddress = () => ({ city: null, country: null, line1: null, line2: null, postal_code: null, state: null });
export const emptyBillingDetails = () => ({ address: emptyAddress(), email: null, name: null, phone: null, tax_id: null });

export function paymentMethodObject(ctx: SessionContext, fields: Obj): Obj {
  const id = fields.id ?? newId(ctx, KINDS.payment_method);
  const card = fields.card ?? {};
  return {
    id,
    object: 'payment_method',
    allow_redisplay: fields.allow_redisplay ?? 'unspecified',
    billing_details: { ...emptyBillingDetails(), ...(fields.billing_details ?? {}), address: { ...emptyAddress(), ...(fields.billing_details?.address ?? {}) } },
    card: cardDetails(card, card.fingerprint ?? `fp${(card.last4 ?? '4242')}${(card.brand ?? 'visa').slice(0, 4)}Mirra`),
    created: fields.created ?? ctx.nowUnix(),
    customer: fields.customer ?? null,
    livemode: false,
    metadata: fields.metadata ?? {},
    type: 'card',
  };
}

/** A `pm_…` id or a test token (`pm_card_visa`, `tok_visa`): tokens become a new PaymentMethod. */
export function resolvePaymentMethod(ctx: SessionContext, value: string, param = 'payment_method'): Obj {
  const token = testToken(value);
  if (token) return ctx.db.insert('payment_methods', paymentMethodObject(ctx, { card: token }));
  const pm = ctx.db.get<Obj>('payment_methods', value);
  if (!pm) noSuch('PaymentMethod', value, param);
  return pm!;
}

export function cardErrorFields(decline: DeclineSpec, extra: Partial<StripeErrorFields> = {}): StripeErrorFields {
  return { type: 'card_error', code: decline.code, decline_code: decline.decline_code, message: decline.message, param: decline.param, ...extra };
}

/** 402 with Stripe's card error envelope; returned (not thrown) so the failed attempt is kept. */
export function cardErrorReply(fields: StripeErrorFields) {
  return errorReply(402, fields);
}

function balanceTransaction(ctx: SessionContext, amount: number, currency: string, source: string, type: 'charge' | 'refund'): string {
  const fee = type === 'charge' ? Math.round(amount * 0.029) + 30 : 0;
  const row = ctx.db.insert('balance_transactions', {
    id: newId(ctx, KINDS.balance_transaction),
    object: 'balance_transaction',
    amount,
    available_on: ctx.nowUnix() + 2 * 86400,
    created: ctx.nowUnix(),
    currency,
    description: null,
    exchange_rate: null,
    fee,
    fee_details: fee ? [{ amount: fee, application: null, currency, description: 'Stripe processing fees', type: 'stripe_fee' }] : [],
    net: amount - fee,
    reporting_category: type,
    source,
    status: 'pending',
    type,
  });
  return row.id;
}

export function chargeObject(ctx: SessionContext, f: Obj): Obj {
  const pm: Obj | undefined = f.paymentMethod;
  const id = f.id ?? newId(ctx, KINDS.charge);
  const succeeded = f.status === 'succeeded';
  return {
    id,
    object: 'charge',
    amount: f.amount,
    amount_captured: succeeded && f.captured ? f.amount : 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: f.balance_transaction ?? null,
    billing_details: pm?.billing_details ?? emptyBillingDetails(),
    calculated_statement_descriptor: 'MIRRA',
    captured: succeeded && !!f.captured,
    created: f.created ?? ctx.nowUnix(),
    currency: f.currency,
    customer: f.customer ?? null,
    description: f.description ?? null,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: f.failure?.code ?? null,
    failure_message: f.failure?.message ?? null,
    fraud_details: {},
    invoice: f.invoice ?? null,
    livemode: false,
    metadata: f.metadata ?? {},
    on_behalf_of: null,
    outcome: succeeded
      ? { network_status: 'approved_by_network', reason: null, risk_level: 'normal', risk_score: 32, seller_message: 'Payment complete.', type: 'authorized' }
      : {
          network_status: 'declined_by_network',
          reason: f.failure?.decline_code ?? 'generic_decline',
          risk_level: 'normal',
          risk_score: 40,
          seller_message: 'The bank did not return any further details with this decline.',
          type: 'issuer_declined',
        },
    paid: succeeded,
    payment_intent: f.payment_intent ?? null,
    payment_method: pm?.id ?? null,
    payment_method_details: pm
      ? {
          card: {
            amount_authorized: succeeded ? f.amount : null,
            brand: pm.card.brand,
            checks: pm.card.checks,
            country: pm.card.country,
            exp_month: pm.card.exp_month,
            exp_year: pm.card.exp_year,
            fingerprint: pm.card.fingerprint,
            funding: pm.card.funding,
            last4: pm.card.last4,
            network: pm.card.brand,
            three_d_secure: null,
            wallet: null,
          },
          type: 'card',
        }
      : null,
    receipt_email: f.receipt_email ?? null,
    receipt_number: null,
    receipt_url: `https://pay.stripe.com/receipts/payment/mirra_${id}`,
    refunded: false,
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: f.status,
    transfer_data: null,
    transfer_group: null,
  };
}

export interface PiInput {
  amount: number;
  currency: string;
  customer?: string | null;
  description?: string | null;
  metadata?: Obj;
  payment_method?: string | null;
  payment_method_types?: string[];
  automatic_payment_methods?: { enabled: boolean; allow_redirects?: string } | null;
  capture_method?: string;
  confirmation_method?: string;
  receipt_email?: string | null;
  setup_future_usage?: string | null;
  statement_descriptor?: string | null;
  statement_descriptor_suffix?: string | null;
  invoice?: string | null;
  shipping?: Obj | null;
}

export function paymentIntentObject(ctx: SessionContext, input: PiInput, id = newId(ctx, KINDS.payment_intent)): Obj {
  const apm = input.automatic_payment_methods;
  return {
    id,
    object: 'payment_intent',
    amount: input.amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: apm ? { allow_redirects: apm.allow_redirects ?? 'always', enabled: apm.enabled } : null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: input.capture_method ?? 'automatic_async',
    client_secret: `${id}_secret_${ctx.ids.next('', 25)}`,
    confirmation_method: input.confirmation_method ?? 'automatic',
    created: ctx.nowUnix(),
    currency: input.currency,
    customer: input.customer ?? null,
    description: input.description ?? null,
    invoice: input.invoice ?? null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    metadata: input.metadata ?? {},
    next_action: null,
    on_behalf_of: null,
    payment_method: input.payment_method ?? null,
    payment_method_configuration_details: apm?.enabled ? { id: 'pmc_mirra_default', parent: null } : null,
    payment_method_options: { card: { installments: null, mandate_options: null, network: null, request_three_d_secure: 'automatic' } },
    payment_method_types: input.payment_method_types ?? ['card'],
    processing: null,
    receipt_email: input.receipt_email ?? null,
    review: null,
    setup_future_usage: input.setup_future_usage ?? null,
    shipping: input.shipping ?? null,
    source: null,
    statement_descriptor: input.statement_descriptor ?? null,
    statement_descriptor_suffix: input.statement_descriptor_suffix ?? null,
    status: input.payment_method ? 'requires_confirmation' : 'requires_payment_method',
    transfer_data: null,
    transfer_group: null,
  };
}

/** Save a PaymentIntent change and announce it. */
export function updatePi(ctx: SessionContext, before: Obj, patch: Obj, eventType?: string): Obj {
  const after = ctx.db.update<Obj>('payment_intents', before.id, patch)!;
  if (eventType) emitEvent(ctx, eventType, after, previousAttributes(before, after));
  return after;
}

export interface ConfirmOptions {
  offSession?: boolean;
  returnUrl?: string | null;
  /** Force a decline whatever the card (simulate). */
  forceDecline?: DeclineSpec;
  /** Complete a pending 3DS authentication (simulate). */
  authenticated?: boolean;
}

export interface ConfirmResult {
  pi: Obj;
  charge?: Obj;
  /** Card error to answer with (status 402), the attempt already saved. */
  error?: StripeErrorFields;
}

const CONFIRMABLE = ['requires_payment_method', 'requires_confirmation', 'requires_action'];

/** Run a confirmation: charge the card and move the PaymentIntent on. */
export function confirmPaymentIntent(ctx: SessionContext, pi: Obj, opts: ConfirmOptions = {}): ConfirmResult {
  if (!CONFIRMABLE.includes(pi.status)) {
    fail(400, {
      type: 'invalid_request_error',
      code: 'payment_intent_unexpected_state',
      message: `This PaymentIntent's status is ${pi.status}, but it must be one of requires_payment_method, requires_confirmation, or requires_action to be confirmed.`,
      payment_intent: pi,
    });
  }
  if (!pi.payment_method) {
    fail(400, {
      type: 'invalid_request_error',
      code: 'payment_intent_unexpected_state',
      message:
        "You cannot confirm this PaymentIntent because it's missing a payment method. You can either update the PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment method or ConfirmationToken.",
      param: 'payment_method',
      payment_intent: pi,
    });
  }
  const pm = ctx.db.get<Obj>('payment_methods', pi.payment_method)!;
  const behavior = opts.forceDecline ? { kind: 'decline' as const, decline: opts.forceDecline, attachFails: false } : behaviorOf(pm?.card?.last4);

  if (behavior.kind === 'authenticate' && !opts.authenticated) {
    if (opts.offSession) {
      return decline(ctx, pi, pm, { code: 'authentication_required', decline_code: 'authentication_required', message: 'Your card was declined. This transaction requires authentication.' });
    }
    const next_action = opts.returnUrl
      ? { redirect_to_url: { return_url: opts.returnUrl, url: `https://hooks.stripe.com/3d_secure_2/hosted?merchant=acct_mirra&payment_intent=${pi.id}` }, type: 'redirect_to_url' }
      : { type: 'use_stripe_sdk', use_stripe_sdk: { source: `src_${pi.id.slice(3)}`, stripe_js: `https://hooks.stripe.com/redirect/authenticate/src_${pi.id.slice(3)}`, type: 'three_d_secure_redirect' } };
    const after = updatePi(ctx, pi, { status: 'requires_action', next_action, last_payment_error: null }, 'payment_intent.requires_action');
    return { pi: after };
  }
  if (behavior.kind === 'decline') return decline(ctx, pi, pm, behavior.decline);

  // Success.
  const manual = pi.capture_method === 'manual';
  const chargeId = newId(ctx, KINDS.charge);
  const txn = manual ? null : balanceTransaction(ctx, pi.amount, pi.currency, chargeId, 'charge');
  const charge = ctx.db.insert(
    'charges',
    chargeObject(ctx, {
      id: chargeId,
      amount: pi.amount,
      currency: pi.currency,
      customer: pi.customer,
      description: pi.description,
      invoice: pi.invoice,
      metadata: pi.metadata,
      payment_intent: pi.id,
      paymentMethod: pm,
      receipt_email: pi.receipt_email,
      status: 'succeeded',
      captured: !manual,
      balance_transaction: txn,
    }),
  );
  emitEvent(ctx, 'charge.succeeded', charge);
  const after = manual
    ? updatePi(ctx, pi, { status: 'requires_capture', amount_capturable: pi.amount, latest_charge: charge.id, next_action: null, last_payment_error: null }, 'payment_intent.amount_capturable_updated')
    : updatePi(ctx, pi, { status: 'succeeded', amount_received: pi.amount, latest_charge: charge.id, next_action: null, last_payment_error: null }, 'payment_intent.succeeded');
  return { pi: after, charge };
}

function decline(ctx: SessionContext, pi: Obj, pm: Obj, spec: DeclineSpec): ConfirmResult {
  const charge = ctx.db.insert(
    'charges',
    chargeObject(ctx, {
      amount: pi.amount,
      currency: pi.currency,
      customer: pi.customer,
      description: pi.description,
      invoice: pi.invoice,
      metadata: pi.metadata,
      payment_intent: pi.id,
      paymentMethod: pm,
      status: 'failed',
      captured: false,
      failure: spec,
    }),
  );
  emitEvent(ctx, 'charge.failed', charge);
  const lastError = errorObject({ ...cardErrorFields(spec), charge: charge.id, payment_method: pm, payment_method_type: 'card' } as StripeErrorFields);
  const after = updatePi(ctx, pi, { status: 'requires_payment_method', payment_method: null, latest_charge: charge.id, next_action: null, last_payment_error: lastError }, 'payment_intent.payment_failed');
  return { pi: after, charge, error: { ...cardErrorFields(spec), charge: charge.id, payment_intent: after, payment_method: pm } };
}

/** Capture an uncaptured charge (manual capture). */
export function capturePaymentIntent(ctx: SessionContext, pi: Obj, amountToCapture?: number): Obj {
  if (pi.status !== 'requires_capture') {
    fail(400, {
      type: 'invalid_request_error',
      code: 'payment_intent_unexpected_state',
      message: `This PaymentIntent could not be captured because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be captured: requires_capture.`,
      payment_intent: pi,
    });
  }
  const amount = amountToCapture ?? pi.amount_capturable;
  if (amount > pi.amount_capturable) invalid(`The amount to capture (${amount}) must be less than or equal to the amount capturable (${pi.amount_capturable}).`, 'amount_to_capture', 'amount_too_large');
  const charge = ctx.db.get<Obj>('charges', pi.latest_charge)!;
  const txn = balanceTransaction(ctx, amount, pi.currency, charge.id, 'charge');
  const after = ctx.db.update<Obj>('charges', charge.id, { captured: true, amount_captured: amount, balance_transaction: txn, amount_refunded: pi.amount - amount, refunded: false })!;
  emitEvent(ctx, 'charge.captured', after, previousAttributes(charge, after));
  return updatePi(ctx, pi, { status: 'succeeded', amount_capturable: 0, amount_received: amount }, 'payment_intent.succeeded');
}

export function refundBalanceTransaction(ctx: SessionContext, amount: number, currency: string, refundId: string): string {
  return balanceTransaction(ctx, -amount, currency, refundId, 'refund');
}

export { cardDetails };
export const _internal = { balanceTransaction };
export const cardError = (fields: StripeErrorFields) => cardErrorReply(fields);
