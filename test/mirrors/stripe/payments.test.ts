/** PaymentIntents, charges, refunds, webhooks verified by stripe.webhooks.constructEvent, and the spec's refund scenario. */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import Stripe from 'stripe';
import { createSession, receiver, shape, stopMirra, stripeError, types, type Session } from './harness.js';

type Rx = Awaited<ReturnType<typeof receiver>>;
let rx: Rx;
beforeAll(async () => {
  rx = await receiver();
});
afterAll(async () => {
  await rx.close();
  await stopMirra();
});

async function endpoint(s: Session, events: string[]): Promise<Stripe.WebhookEndpoint> {
  return s.sdk.webhookEndpoints.create({ url: rx.url, enabled_events: events as Stripe.WebhookEndpointCreateParams.EnabledEvent[] });
}

describe('payment intents', () => {
  test('requires_payment_method → requires_confirmation → succeeded; charge created; events recorded', async () => {
    const s = await createSession();
    const c = await s.sdk.customers.create({ email: 'buyer@example.com' });
    const pi = await s.sdk.paymentIntents.create({ amount: 2500, currency: 'usd', customer: c.id, metadata: { order: 'o1' } });
    expect(pi).toMatchObject({ object: 'payment_intent', status: 'requires_payment_method', amount: 2500, currency: 'usd', customer: c.id, capture_method: 'automatic_async', automatic_payment_methods: { enabled: true, allow_redirects: 'always' }, latest_charge: null });
    expect(pi.client_secret).toMatch(new RegExp(`^${pi.id}_secret_[A-Za-z0-9]{25}$`));
    const withPm = await s.sdk.paymentIntents.update(pi.id, { payment_method: 'pm_card_visa' });
    expect(withPm.status).toBe('requires_confirmation');
    const done = await s.sdk.paymentIntents.confirm(pi.id);
    expect(done).toMatchObject({ status: 'succeeded', amount_received: 2500 });
    const charge = await s.sdk.charges.retrieve(done.latest_charge as string);
    expect(charge).toMatchObject({ object: 'charge', amount: 2500, amount_captured: 2500, amount_refunded: 0, captured: true, paid: true, refunded: false, status: 'succeeded', payment_intent: pi.id, customer: c.id, payment_method_details: { type: 'card', card: { brand: 'visa', last4: '4242' } } });
    expect((await s.sdk.charges.list({ payment_intent: pi.id })).data.map((x) => x.id)).toEqual([charge.id]);
    const events = await s.sdk.events.list();
    expect(events.data.map((e) => e.type)).toEqual(['payment_intent.succeeded', 'charge.succeeded', 'payment_intent.created', 'customer.created']);
    const expanded = await s.sdk.paymentIntents.retrieve(pi.id, { expand: ['latest_charge', 'customer'] });
    expect((expanded.latest_charge as Stripe.Charge).id).toBe(charge.id);
    expect((expanded.customer as Stripe.Customer).email).toBe('buyer@example.com');
  });

  test('a declined card: StripeCardError 402 with decline_code and the PaymentIntent; PI back to requires_payment_method, failed charge', async () => {
    const s = await createSession();
    const err = await stripeError(() => s.sdk.paymentIntents.create({ amount: 1000, currency: 'usd', payment_method: 'pm_card_visa_chargeDeclinedInsufficientFunds', confirm: true, automatic_payment_methods: { enabled: true, allow_redirects: 'never' } }));
    expect(err).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(shape(err)).toEqual({ type: 'StripeCardError', statusCode: 402, code: 'card_declined', decline_code: 'insufficient_funds', param: undefined, message: 'Your card has insufficient funds.' });
    expect(err.raw.type).toBe('card_error');
    expect(err.raw.doc_url).toBe('https://stripe.com/docs/error-codes/card-declined');
    const piId = err.raw.payment_intent.id as string;
    expect(err.raw.payment_intent.status).toBe('requires_payment_method');
    const pi = await s.sdk.paymentIntents.retrieve(piId);
    expect(pi.status).toBe('requires_payment_method');
    expect(pi.last_payment_error).toMatchObject({ type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds', charge: err.raw.charge });
    const ch = await s.sdk.charges.retrieve(err.raw.charge);
    expect(ch).toMatchObject({ status: 'failed', paid: false, failure_code: 'card_declined', outcome: { reason: 'insufficient_funds', type: 'issuer_declined' } });
    // Retry with a good card succeeds.
    const ok = await s.sdk.paymentIntents.confirm(piId, { payment_method: 'pm_card_visa' });
    expect(ok.status).toBe('succeeded');
  });

  test('3DS card → requires_action with next_action; simulate completes it', async () => {
    const s = await createSession();
    const pi = await s.sdk.paymentIntents.create({ amount: 3000, currency: 'eur', payment_method: 'pm_card_authenticationRequired', confirm: true, return_url: 'https://shop.example/return' });
    expect(pi.status).toBe('requires_action');
    expect(pi.next_action).toMatchObject({ type: 'redirect_to_url', redirect_to_url: { return_url: 'https://shop.example/return' } });
    const sim = await s.admin('POST', '/_mirra/simulate', { event: 'payment_intent.succeeded', payment_intent: pi.id });
    expect(sim.result).toMatchObject({ payment_intent: pi.id, status: 'succeeded' });
    expect((await s.sdk.paymentIntents.retrieve(pi.id)).status).toBe('succeeded');
  });

  test('manual capture (partial) and cancel; wrong-state errors are payment_intent_unexpected_state', async () => {
    const s = await createSession();
    const pi = await s.sdk.paymentIntents.create({ amount: 5000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, capture_method: 'manual', automatic_payment_methods: { enabled: true, allow_redirects: 'never' } });
    expect(pi).toMatchObject({ status: 'requires_capture', amount_capturable: 5000 });
    const captured = await s.sdk.paymentIntents.capture(pi.id, { amount_to_capture: 4000 });
    expect(captured).toMatchObject({ status: 'succeeded', amount_received: 4000, amount_capturable: 0 });
    const err = await stripeError(() => s.sdk.paymentIntents.cancel(pi.id));
    expect(shape(err)).toMatchObject({ statusCode: 400, code: 'payment_intent_unexpected_state' });
    const other = await s.sdk.paymentIntents.create({ amount: 700, currency: 'usd' });
    const canceled = await s.sdk.paymentIntents.cancel(other.id, { cancellation_reason: 'abandoned' });
    expect(canceled).toMatchObject({ status: 'canceled', cancellation_reason: 'abandoned' });
    expect(canceled.canceled_at).toEqual(expect.any(Number));
    const e2 = await stripeError(() => s.sdk.paymentIntents.confirm(other.id, { payment_method: 'pm_card_visa' }));
    expect(shape(e2)).toMatchObject({ statusCode: 400, code: 'payment_intent_unexpected_state' });
  });

  test('validation: missing amount, amount too small, unknown customer, unknown payment intent', async () => {
    const s = await createSession();
    expect(shape(await stripeError(() => s.sdk.paymentIntents.create({ currency: 'usd' } as never)))).toMatchObject({ statusCode: 400, code: 'parameter_missing', param: 'amount', message: 'Missing required param: amount.' });
    expect(shape(await stripeError(() => s.sdk.paymentIntents.create({ amount: 10, currency: 'usd' })))).toMatchObject({ statusCode: 400, code: 'amount_too_small', param: 'amount', message: 'Amount must be at least $0.50 usd' });
    expect(shape(await stripeError(() => s.sdk.paymentIntents.create({ amount: 1000, currency: 'usd', customer: 'cus_ghost' })))).toMatchObject({ statusCode: 404, code: 'resource_missing', param: 'customer', message: "No such customer: 'cus_ghost'" });
    expect(shape(await stripeError(() => s.sdk.paymentIntents.retrieve('pi_ghost')))).toMatchObject({ statusCode: 404, code: 'resource_missing', param: 'intent', message: "No such payment_intent: 'pi_ghost'" });
    expect(shape(await stripeError(() => s.sdk.paymentIntents.create({ amount: 'ten' as never, currency: 'usd' })))).toMatchObject({ statusCode: 400, code: 'parameter_invalid_integer', param: 'amount' });
  });
});

describe('refunds', () => {
  test('partial then full refund; over-refund is amount_too_large; a refunded charge cannot be refunded again', async () => {
    const s = await createSession();
    const pi = await s.sdk.paymentIntents.create({ amount: 10000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, automatic_payment_methods: { enabled: true, allow_redirects: 'never' } });
    const r1 = await s.sdk.refunds.create({ payment_intent: pi.id, amount: 3000, reason: 'requested_by_customer' });
    expect(r1).toMatchObject({ object: 'refund', amount: 3000, status: 'succeeded', payment_intent: pi.id, charge: pi.latest_charge, reason: 'requested_by_customer', currency: 'usd' });
    let ch = await s.sdk.charges.retrieve(pi.latest_charge as string);
    expect(ch).toMatchObject({ amount_refunded: 3000, refunded: false });
    const over = await stripeError(() => s.sdk.refunds.create({ charge: ch.id, amount: 8000 }));
    expect(shape(over)).toMatchObject({ statusCode: 400, code: 'amount_too_large', param: 'amount', message: 'Refund amount ($80.00) is greater than unrefunded amount on charge ($70.00)' });
    const r2 = await s.sdk.refunds.create({ charge: ch.id });
    expect(r2.amount).toBe(7000);
    ch = await s.sdk.charges.retrieve(ch.id);
    expect(ch).toMatchObject({ amount_refunded: 10000, refunded: true });
    const again = await stripeError(() => s.sdk.refunds.create({ payment_intent: pi.id }));
    expect(shape(again)).toMatchObject({ statusCode: 400, code: 'charge_already_refunded', message: `Charge ${ch.id} has already been refunded.` });
    expect((await s.sdk.refunds.list({ payment_intent: pi.id })).data.map((r) => r.id)).toEqual([r2.id, r1.id]);
    expect(shape(await stripeError(() => s.sdk.refunds.create({ amount: 5 })))).toMatchObject({ statusCode: 400, message: 'One of the following params should be provided for this request: payment_intent or charge.' });
    expect(shape(await stripeError(() => s.sdk.refunds.create({ payment_intent: 'pi_ghost' })))).toMatchObject({ statusCode: 404, param: 'payment_intent', message: "No such payment_intent: 'pi_ghost'" });
  });

  test('the spec\'s refund scenario: partial refund of 4500 on pi_abc (subscription-lifecycle) → charge.refunded webhook verified by constructEvent', async () => {
    rx.received.length = 0;
    const s = await createSession('subscription-lifecycle');
    const pi = await s.sdk.paymentIntents.retrieve('pi_abc');
    expect(pi).toMatchObject({ status: 'succeeded', amount: 15000, currency: 'usd', latest_charge: 'ch_abc', customer: 'cus_active' });
    const we = await endpoint(s, ['charge.refunded', 'refund.created']);
    expect(we.secret).toMatch(/^whsec_[A-Za-z0-9]{32}$/);
    const refund = await s.sdk.refunds.create({ payment_intent: 'pi_abc', amount: 4500 }, { idempotencyKey: 'refund-pi_abc-1' });
    expect(refund).toMatchObject({ amount: 4500, charge: 'ch_abc', payment_intent: 'pi_abc', status: 'succeeded' });
    await s.settle();
    expect(types(rx.received)).toEqual(['charge.refunded', 'refund.created']);
    const delivery = rx.received[0];
    const event = s.sdk.webhooks.constructEvent(delivery.body, String(delivery.headers['stripe-signature']), we.secret!);
    expect(event).toMatchObject({ object: 'event', type: 'charge.refunded', api_version: '2024-06-20', livemode: false, pending_webhooks: 1, request: { idempotency_key: 'refund-pi_abc-1' } });
    expect(event.id).toMatch(/^evt_[A-Za-z0-9]{24}$/);
    expect(event.request!.id).toBe(refund.lastResponse.requestId);
    expect(event.data.object).toMatchObject({ id: 'ch_abc', object: 'charge', amount: 15000, amount_refunded: 4500, refunded: false });
    expect(event.data.previous_attributes).toEqual({ amount_refunded: 0 });
    expect(delivery.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(delivery.headers['user-agent']).toBe('Stripe/1.0 (+https://stripe.com/docs/webhooks)');
    expect(delivery.body).toBe(JSON.stringify(JSON.parse(delivery.body), null, 2));
    // The event is also an API object.
    const same = await s.sdk.events.retrieve(event.id);
    expect(same.data.object).toEqual(event.data.object);
    // Tampered body / wrong secret / stale timestamp fail verification.
    expect(() => s.sdk.webhooks.constructEvent(delivery.body.replace('4500', '4501'), String(delivery.headers['stripe-signature']), we.secret!)).toThrow(Stripe.errors.StripeSignatureVerificationError);
    expect(() => s.sdk.webhooks.constructEvent(delivery.body, String(delivery.headers['stripe-signature']), 'whsec_wrongwrongwrongwrongwrongwrong')).toThrow(Stripe.errors.StripeSignatureVerificationError);
    const t = Number(/t=(\d+)/.exec(String(delivery.headers['stripe-signature']))![1]);
    expect(Math.abs(t - Date.now() / 1000)).toBeLessThan(60);
    const state = await s.state();
    const refunds = state.refunds.filter((r: any) => r.payment_intent === 'pi_abc');
    expect(refunds).toHaveLength(1);
    expect(refunds[0].amount).toBe(4500);
  });
});

describe('webhook endpoints and events', () => {
  test('CRUD: secret only on create, enabled_events filter and *, disabled endpoints get nothing, delete', async () => {
    rx.received.length = 0;
    const s = await createSession();
    const all = await endpoint(s, ['*']);
    const only = await s.sdk.webhookEndpoints.create({ url: rx.url + '?only', enabled_events: ['customer.deleted'], description: 'deletes' });
    expect(only).toMatchObject({ object: 'webhook_endpoint', status: 'enabled', enabled_events: ['customer.deleted'], description: 'deletes', url: rx.url + '?only', livemode: false });
    const got = await s.sdk.webhookEndpoints.retrieve(only.id);
    expect(got.secret).toBeUndefined();
    expect((await s.sdk.webhookEndpoints.list()).data.map((e) => e.id)).toEqual([only.id, all.id]);
    await s.sdk.customers.create({ email: 'w@example.com' });
    await s.settle();
    expect(types(rx.received)).toEqual(['customer.created']);
    const ev = s.sdk.webhooks.constructEvent(rx.received[0].body, String(rx.received[0].headers['stripe-signature']), all.secret!);
    expect(ev.type).toBe('customer.created');
    expect(() => s.sdk.webhooks.constructEvent(rx.received[0].body, String(rx.received[0].headers['stripe-signature']), only.secret!)).toThrow();
    const disabled = await s.sdk.webhookEndpoints.update(all.id, { disabled: true });
    expect(disabled.status).toBe('disabled');
    await s.sdk.customers.create({ email: 'w2@example.com' });
    await s.settle();
    expect(types(rx.received)).toEqual(['customer.created']);
    expect(await s.sdk.webhookEndpoints.del(only.id)).toMatchObject({ id: only.id, deleted: true });
    expect(shape(await stripeError(() => s.sdk.webhookEndpoints.retrieve(only.id)))).toMatchObject({ statusCode: 404, code: 'resource_missing' });
    expect(shape(await stripeError(() => s.sdk.webhookEndpoints.create({ url: 'ftp://x', enabled_events: ['*'] })))).toMatchObject({ statusCode: 400, param: 'url', code: 'url_invalid' });
    expect(shape(await stripeError(() => s.sdk.webhookEndpoints.create({ url: rx.url } as never)))).toMatchObject({ statusCode: 400, param: 'enabled_events', code: 'parameter_missing' });
  });

  test('a failing receiver is retried on Stripe\'s test-mode schedule (10 min, 1 h, 2 h), then failed', async () => {
    const failing = await receiver(() => 500);
    try {
      const s = await createSession();
      await s.sdk.webhookEndpoints.create({ url: failing.url, enabled_events: ['customer.created'] });
      await s.sdk.customers.create({ email: 'retry@example.com' });
      await s.settle();
      expect(failing.received).toHaveLength(1);
      await s.advance('9m');
      expect(failing.received).toHaveLength(1);
      await s.advance('1m');
      await s.settle();
      expect(failing.received).toHaveLength(2);
      await s.advance('1h');
      await s.settle();
      await s.advance('2h');
      await s.settle();
      expect(failing.received).toHaveLength(4);
      const d = await s.admin('GET', '/_mirra/webhooks/deliveries');
      expect(d.deliveries[0]).toMatchObject({ status: 'failed', attempts: 4 });
      const bodies = new Set(failing.received.map((r) => r.body));
      expect(bodies.size).toBe(1);
    } finally {
      await failing.close();
    }
  });

  test('events list filters by type (with wildcard)', async () => {
    const s = await createSession();
    await s.sdk.customers.create({ email: 'e1@example.com' });
    await s.sdk.products.create({ name: 'P' });
    expect((await s.sdk.events.list({ type: 'customer.*' })).data.map((e) => e.type)).toEqual(['customer.created']);
    expect((await s.sdk.events.list({ types: ['product.created'] })).data.map((e) => e.type)).toEqual(['product.created']);
    expect(shape(await stripeError(() => s.sdk.events.retrieve('evt_ghost')))).toMatchObject({ statusCode: 404, message: "No such event: 'evt_ghost'" });
  });
});
