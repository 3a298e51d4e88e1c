/**
 * `POST /_mirra/simulate` events. Each runs the state change the real event implies, through
 * the same code as the API and the billing timers, and so emits the same webhooks.
 */
import type { SimulateEvent } from '../core/definition.js';
import type { SessionContext } from '../core/context.js';
import { BEHAVIOR_BY_LAST4, type DeclineSpec } from './cards.js';
import { invalid, missingParam, noSuch } from './errors.js';
import { emitEvent } from './events.js';
import { KINDS, newId, type Obj } from './objects.js';
import { confirmPaymentIntent, resolvePaymentMethod, updatePi } from './payments.js';
import { createInvoice, invoiceNewPeriod, markPaid, payInvoice, subscriptionLines, subItems } from './billing.js';

function declineFor(code: unknown): DeclineSpec {
  if (typeof code === 'string') {
    for (const b of Object.values(BEHAVIOR_BY_LAST4)) if (b.kind === 'decline' && b.decline.decline_code === code) return b.decline;
    if (code !== 'generic_decline') return { code: 'card_declined', decline_code: code, message: 'Your card was declined.' };
  }
  return { code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' };
}

function str(fields: Record<string, unknown>, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = fields[n];
    if (typeof v === 'string' && v !== '') return v;
  }
  return undefined;
}

function loadSubscription(ctx: SessionContext, fields: Record<string, unknown>, required = true): Obj | undefined {
  const id = str(fields, 'subscription', 'subscriptionId', 'subscription_id');
  if (!id) {
    if (required) missingParam('subscription');
    return undefined;
  }
  const sub = ctx.db.get<Obj>('subscriptions', id);
  if (!sub) noSuch('subscription', id, 'subscription');
  return sub;
}

function loadPi(ctx: SessionContext, fields: Record<string, unknown>): Obj {
  const id = str(fields, 'payment_intent', 'paymentIntent', 'payment_intent_id', 'id');
  if (!id) missingParam('payment_intent');
  const pi = ctx.db.get<Obj>('payment_intents', id!);
  if (!pi) noSuch('payment_intent', id!, 'payment_intent');
  return pi!;
}

const invoicePaymentFailed: SimulateEvent = {
  description:
    "A subscription's invoice payment fails (the open invoice, or a new invoice for the current period): the charge is declined, the invoice's attempt_count grows and a retry is scheduled, the subscription goes past_due; emits charge.failed, payment_intent.payment_failed, invoice.payment_failed, customer.subscription.updated. Without `subscription`, the newest active subscription is used.",
  fields: ['subscription', 'invoice', 'decline_code'],
  handler(ctx, fields) {
    let inv: Obj | undefined;
    const invoiceId = str(fields, 'invoice', 'invoiceId', 'invoice_id');
    if (invoiceId) {
      inv = ctx.db.get<Obj>('invoices', invoiceId);
      if (!inv) noSuch('invoice', invoiceId, 'invoice');
    }
    let sub = loadSubscription(ctx, fields, false);
    if (!inv && !sub) {
      sub = ctx.db.list<Obj>('subscriptions', { order: 'desc' }).find((s) => ['active', 'trialing', 'past_due'].includes(s.status));
      if (!sub) invalid('No subscription to fail a payment for: pass `subscription` (sub_…) or `invoice` (in_…).', 'subscription');
    }
    if (!inv) {
      if (['canceled', 'incomplete_expired'].includes(sub!.status)) invalid(`Subscription ${sub!.id} is ${sub!.status}.`, 'subscription');
      inv = ctx.db.list<Obj>('invoices', { where: { subscription: sub!.id }, order: 'desc' }).find((i) => i.status === 'open' || i.status === 'draft');
      if (!inv) {
        inv = invoiceNewPeriod(ctx, sub!, 'subscription_cycle', false);
        ctx.db.update('subscriptions', sub!.id, { latest_invoice: inv.id });
      }
    }
    if (inv!.status !== 'open' && inv!.status !== 'draft') invalid(`Invoice ${inv!.id} is ${inv!.status}; only draft or open invoices can fail.`, 'invoice');
    const res = payInvoice(ctx, inv!, { automatic: true, forceDecline: declineFor(fields.decline_code) });
    const after = res.invoice.subscription ? ctx.db.get<Obj>('subscriptions', res.invoice.subscription) : undefined;
    return {
      invoice: res.invoice.id,
      invoice_status: res.invoice.status,
      attempt_count: res.invoice.attempt_count,
      next_payment_attempt: res.invoice.next_payment_attempt,
      subscription: after?.id ?? null,
      subscription_status: after?.status ?? null,
    };
  },
};

export const simulateEvents: Record<string, SimulateEvent> = {
  'invoice.payment_failed': invoicePaymentFailed,
  payment_failed: { ...invoicePaymentFailed, description: `Alias of invoice.payment_failed. ${invoicePaymentFailed.description}` },
  'charge.dispute.created': {
    description: 'The cardholder disputes a charge: a dispute (needs_response) is created and the charge is marked disputed; emits charge.dispute.created.',
    fields: ['charge', 'reason', 'amount'],
    handler(ctx, fields) {
      const id = str(fields, 'charge', 'chargeId', 'charge_id');
      if (!id) missingParam('charge');
      const charge = ctx.db.get<Obj>('charges', id!);
      if (!charge) noSuch('charge', id!, 'charge');
      if (charge!.status !== 'succeeded') invalid(`Charge ${charge!.id} did not succeed and cannot be disputed.`, 'charge');
      const now = ctx.nowUnix();
      const dispute = ctx.db.insert('disputes', {
        id: newId(ctx, KINDS.dispute),
        object: 'dispute',
        amount: typeof fields.amount === 'number' ? fields.amount : charge!.amount - charge!.amount_refunded,
        balance_transactions: [],
        charge: charge!.id,
        created: now,
        currency: charge!.currency,
        evidence: {},
        evidence_details: { due_by: now + 7 * 86400, has_evidence: false, past_due: false, submission_count: 0 },
        is_charge_refundable: false,
        livemode: false,
        metadata: {},
        payment_intent: charge!.payment_intent,
        reason: str(fields, 'reason') ?? 'fraudulent',
        status: 'needs_response',
      });
      ctx.db.update('charges', charge!.id, { disputed: true });
      emitEvent(ctx, 'charge.dispute.created', dispute);
      return { dispute: dispute.id, status: dispute.status };
    },
  },
  'customer.subscription.trial_will_end': {
    description: 'Announce that a trialing subscription\'s trial ends soon (normally 3 days before trial_end); emits customer.subscription.trial_will_end.',
    fields: ['subscription'],
    handler(ctx, fields) {
      const sub = loadSubscription(ctx, fields)!;
      if (sub.status !== 'trialing') invalid(`Subscription ${sub.id} is ${sub.status}, not trialing.`, 'subscription');
      emitEvent(ctx, 'customer.subscription.trial_will_end', sub);
      return { subscription: sub.id, trial_end: sub.trial_end };
    },
  },
  'invoice.upcoming': {
    description: 'Announce the next renewal invoice of a subscription (a preview, not saved); emits invoice.upcoming.',
    fields: ['subscription'],
    handler(ctx, fields) {
      const sub = loadSubscription(ctx, fields)!;
      if (['canceled', 'incomplete_expired'].includes(sub.status)) invalid(`Subscription ${sub.id} is ${sub.status}.`, 'subscription');
      const start = sub.status === 'trialing' && sub.trial_end ? sub.trial_end : sub.current_period_end;
      const price = subItems(sub)[0]?.price;
      const lines = subscriptionLines(ctx, sub, { start, end: start + (price?.recurring?.interval === 'year' ? 365 : 30) * 86400 });
      const subtotal = lines.reduce((s, l) => s + l.amount, 0);
      const preview: Obj = {
        object: 'invoice',
        amount_due: subtotal,
        amount_paid: 0,
        amount_remaining: subtotal,
        attempt_count: 0,
        attempted: false,
        billing_reason: 'upcoming',
        collection_method: sub.collection_method,
        created: ctx.nowUnix(),
        currency: sub.currency,
        customer: sub.customer,
        lines: { object: 'list', data: lines.map((l) => ({ object: 'line_item', amount: l.amount, currency: sub.currency, description: l.description, period: l.period, price: l.price, quantity: l.quantity, subscription: sub.id, type: l.type })), has_more: false, url: `/v1/invoices/upcoming/lines?subscription=${sub.id}` },
        livemode: false,
        next_payment_attempt: start + 3600,
        period_end: start,
        period_start: sub.current_period_start,
        status: 'draft',
        subscription: sub.id,
        subtotal,
        total: subtotal,
      };
      emitEvent(ctx, 'invoice.upcoming', preview);
      return { subscription: sub.id, amount_due: subtotal, next_payment_attempt: preview.next_payment_attempt };
    },
  },
  'payment_intent.requires_action': {
    description: 'The card asks for 3D Secure: the PaymentIntent (with a payment method, or given a 3DS test card) moves to requires_action with next_action; emits payment_intent.requires_action. Complete it with payment_intent.succeeded or payment_intent.payment_failed.',
    fields: ['payment_intent'],
    handler(ctx, fields) {
      let pi = loadPi(ctx, fields);
      if (!['requires_payment_method', 'requires_confirmation'].includes(pi.status)) invalid(`PaymentIntent ${pi.id} is ${pi.status}; only requires_payment_method or requires_confirmation can require action.`, 'payment_intent');
      if (!pi.payment_method) {
        const pm = resolvePaymentMethod(ctx, 'pm_card_authenticationRequired');
        pi = ctx.db.update<Obj>('payment_intents', pi.id, { payment_method: pm.id, status: 'requires_confirmation' })!;
      }
      const next_action = { type: 'use_stripe_sdk', use_stripe_sdk: { source: `src_${pi.id.slice(3)}`, stripe_js: `https://hooks.stripe.com/redirect/authenticate/src_${pi.id.slice(3)}`, type: 'three_d_secure_redirect' } };
      const after = updatePi(ctx, pi, { status: 'requires_action', next_action }, 'payment_intent.requires_action');
      if (after.invoice) {
        const inv = ctx.db.get<Obj>('invoices', after.invoice);
        if (inv) emitEvent(ctx, 'invoice.payment_action_required', inv);
      }
      return { payment_intent: after.id, status: after.status };
    },
  },
  'payment_intent.succeeded': {
    description: 'The customer completes 3D Secure (or the pending payment settles): the card is charged; emits charge.succeeded, payment_intent.succeeded (and invoice.paid for invoice payments).',
    fields: ['payment_intent'],
    handler(ctx, fields) {
      const pi = loadPi(ctx, fields);
      if (!pi.payment_method) invalid(`PaymentIntent ${pi.id} has no payment method.`, 'payment_intent');
      const res = confirmPaymentIntent(ctx, pi, { authenticated: true });
      if (res.pi.status === 'succeeded' && res.pi.invoice) {
        const inv = ctx.db.get<Obj>('invoices', res.pi.invoice);
        if (inv && inv.status === 'open') markPaid(ctx, inv, res.charge?.id ?? null);
      }
      return { payment_intent: res.pi.id, status: res.pi.status, charge: res.charge?.id ?? null };
    },
  },
  'payment_intent.payment_failed': {
    description: 'Authentication fails or the card is declined (`decline_code`, default generic_decline): the PaymentIntent returns to requires_payment_method with last_payment_error; emits charge.failed, payment_intent.payment_failed.',
    fields: ['payment_intent', 'decline_code'],
    handler(ctx, fields) {
      const pi = loadPi(ctx, fields);
      if (!pi.payment_method) invalid(`PaymentIntent ${pi.id} has no payment method.`, 'payment_intent');
      const spec =
        pi.status === 'requires_action' && fields.decline_code === undefined
          ? { code: 'payment_intent_authentication_failure', decline_code: 'authentication_failure', message: 'The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.' }
          : declineFor(fields.decline_code);
      const res = confirmPaymentIntent(ctx, pi, { forceDecline: spec });
      return { payment_intent: res.pi.id, status: res.pi.status, charge: res.charge?.id ?? null };
    },
  },
};

export { createInvoice };
