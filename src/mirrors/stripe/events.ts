/**
 * Every state change the API announces becomes an `event` row (`GET /v1/events`) and, for
 * each enabled endpoint subscribed to its type (or `*`), a signed delivery whose body is the
 * event object, pretty-printed as Stripe sends it.
 */
import type { SessionContext } from '../core/context.js';
import { currentRequest } from './request.js';
import { newId, type Obj } from './objects.js';

export const API_VERSION = '2024-06-20';

export const EVENT_TYPES = [
  'balance.available',
  'charge.captured',
  'charge.dispute.created',
  'charge.failed',
  'charge.pending',
  'charge.refunded',
  'charge.succeeded',
  'charge.updated',
  'coupon.created',
  'coupon.deleted',
  'coupon.updated',
  'customer.created',
  'customer.deleted',
  'customer.discount.created',
  'customer.subscription.created',
  'customer.subscription.deleted',
  'customer.subscription.trial_will_end',
  'customer.subscription.updated',
  'customer.updated',
  'invoice.created',
  'invoice.deleted',
  'invoice.finalized',
  'invoice.marked_uncollectible',
  'invoice.paid',
  'invoice.payment_action_required',
  'invoice.payment_failed',
  'invoice.payment_succeeded',
  'invoice.upcoming',
  'invoice.updated',
  'invoice.voided',
  'invoiceitem.created',
  'payment_intent.amount_capturable_updated',
  'payment_intent.canceled',
  'payment_intent.created',
  'payment_intent.payment_failed',
  'payment_intent.processing',
  'payment_intent.requires_action',
  'payment_intent.succeeded',
  'payment_method.attached',
  'payment_method.detached',
  'payment_method.updated',
  'price.created',
  'price.deleted',
  'price.updated',
  'product.created',
  'product.deleted',
  'product.updated',
  'refund.created',
  'refund.updated',
];

/** The top-level keys whose values changed, with their previous values. */
export function previousAttributes(before: Obj, after: Obj): Obj | undefined {
  const prev: Obj = {};
  for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[k]) !== JSON.stringify(after[k])) prev[k] = before[k] === undefined ? null : before[k];
  }
  return Object.keys(prev).length > 0 ? prev : undefined;
}

export function emitEvent(ctx: SessionContext, type: string, object: Obj, previous?: Obj): Obj {
  const id = newId(ctx, 'evt_');
  const pending = ctx.webhooks.list().filter((e) => e.enabled && (e.events.includes('*') || e.events.includes(type))).length;
  const req = currentRequest();
  const data: Obj = { object: structuredClone(object) };
  if (previous && Object.keys(previous).length > 0) data.previous_attributes = previous;
  const event: Obj = {
    id,
    object: 'event',
    api_version: API_VERSION,
    created: ctx.nowUnix(),
    data,
    livemode: false,
    pending_webhooks: pending,
    request: { id: req.id, idempotency_key: req.idempotencyKey },
    type,
  };
  ctx.db.insert('events', event);
  ctx.webhooks.emit(type, event, { id });
  return event;
}
