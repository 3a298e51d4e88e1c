/** Subscriptions, invoices, the billing clock (renewals, dunning), simulate events and the fixtures. */
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

async function customerWith(s: Session, pm: string): Promise<{ customer: Stripe.Customer; price: Stripe.Price }> {
  const customer = await s.sdk.customers.create({ email: 'sub@example.com', payment_method: pm });
  const pms = await s.sdk.customers.listPaymentMethods(customer.id);
  await s.sdk.customers.update(customer.id, { invoice_settings: { default_payment_method: pms.data[0].id } });
  const price = await s.sdk.prices.create({ currency: 'usd', unit_amount: 2000, recurring: { interval: 'month' }, product_data: { name: 'Plan' } });
  return { customer, price };
}

const DAY = 86400;

describe('subscriptions', () => {
  test('create → active with a paid subscription_create invoice; renewal on clock advance creates and pays an invoice', async () => {
    rx.received.length = 0;
    const s = await createSession();
    const { customer, price } = await customerWith(s, 'pm_card_visa');
    const we = await s.sdk.webhookEndpoints.create({ url: rx.url, enabled_events: ['invoice.created', 'invoice.paid', 'customer.subscription.updated'] });
    const sub = await s.sdk.subscriptions.create({ customer: customer.id, items: [{ price: price.id, quantity: 2 }], expand: ['latest_invoice'] });
    expect(sub).toMatchObject({ object: 'subscription', status: 'active', customer: customer.id, collection_method: 'charge_automatically', cancel_at_period_end: false, currency: 'usd' });
    expect(sub.items.data[0]).toMatchObject({ object: 'subscription_item', quantity: 2, price: { id: price.id } });
    const first = sub.latest_invoice as Stripe.Invoice;
    expect(first).toMatchObject({ status: 'paid', billing_reason: 'subscription_create', amount_due: 4000, amount_paid: 4000, attempt_count: 1 });
    expect(first.number).toMatch(/^[0-9A-F]{8}-0001$/);
    const end = sub.items.data[0].current_period_end;
    expect((sub as any).current_period_end).toBe(end);
    expect(end - sub.items.data[0].current_period_start).toBeGreaterThanOrEqual(28 * DAY);
    await s.settle();
    rx.received.length = 0;

    // Period end: a draft subscription_cycle invoice, finalized and paid an hour later.
    const now = (await s.admin('GET', '/_mirra/clock')).nowMs;
    await s.admin('POST', '/_mirra/clock', { to: new Date(end * 1000).toISOString() });
    let invoices = await s.sdk.invoices.list({ subscription: sub.id });
    expect(invoices.data.map((i) => [i.billing_reason, i.status])).toEqual([['subscription_cycle', 'draft'], ['subscription_create', 'paid']]);
    await s.advance('1h');
    invoices = await s.sdk.invoices.list({ subscription: sub.id });
    expect(invoices.data[0]).toMatchObject({ status: 'paid', amount_paid: 4000, billing_reason: 'subscription_cycle' });
    expect(invoices.data[0].number).toMatch(/-0002$/);
    const renewed = await s.sdk.subscriptions.retrieve(sub.id);
    expect(renewed.status).toBe('active');
    expect(renewed.items.data[0].current_period_start).toBe(end);
    expect(renewed.latest_invoice).toBe(invoices.data[0].id);
    expect(now).toBeLessThan(end * 1000);
    await s.settle();
    expect(types(rx.received)).toEqual(['invoice.created', 'customer.subscription.updated', 'invoice.paid']);
    for (const r of rx.received) expect(() => s.sdk.webhooks.constructEvent(r.body, String(r.headers['stripe-signature']), we.secret!)).not.toThrow();
    const charges = await s.sdk.charges.list({ customer: customer.id });
    expect(charges.data).toHaveLength(2);
  });

  test('a declining default card → incomplete (allow_incomplete); error_if_incomplete → StripeCardError; incomplete expires after 23 h', async () => {
    const s = await createSession();
    const { customer, price } = await customerWith(s, 'pm_card_chargeCustomerFail');
    const sub = await s.sdk.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
    expect(sub.status).toBe('incomplete');
    const inv = await s.sdk.invoices.retrieve(sub.latest_invoice as string);
    expect(inv).toMatchObject({ status: 'open', attempt_count: 1, attempted: true, next_payment_attempt: null });
    const err = await stripeError(() => s.sdk.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], payment_behavior: 'error_if_incomplete' }));
    expect(err).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(shape(err)).toMatchObject({ statusCode: 402, code: 'card_declined', decline_code: 'generic_decline' });
    expect((await s.sdk.subscriptions.list({ customer: customer.id, status: 'all' })).data.map((x) => x.id)).toEqual([sub.id]);
    await s.advance('23h');
    const expired = await s.sdk.subscriptions.retrieve(sub.id);
    expect(expired.status).toBe('incomplete_expired');
    expect((await s.sdk.invoices.retrieve(inv.id)).status).toBe('void');
  });

  test('trial: trialing with a $0 paid invoice, trial_will_end 3 days before, active at trial end', async () => {
    rx.received.length = 0;
    const s = await createSession();
    const { customer, price } = await customerWith(s, 'pm_card_visa');
    await s.sdk.webhookEndpoints.create({ url: rx.url, enabled_events: ['customer.subscription.trial_will_end'] });
    const sub = await s.sdk.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], trial_period_days: 7 });
    expect(sub).toMatchObject({ status: 'trialing' });
    expect(sub.trial_end! - sub.trial_start!).toBe(7 * DAY);
    expect((await s.sdk.invoices.retrieve(sub.latest_invoice as string))).toMatchObject({ status: 'paid', amount_due: 0 });
    await s.advance('4d');
    await s.settle();
    expect(types(rx.received)).toEqual(['customer.subscription.trial_will_end']);
    await s.advance('3d');
    await s.advance('1h');
    const after = await s.sdk.subscriptions.retrieve(sub.id);
    expect(after.status).toBe('active');
    const paid = await s.sdk.invoices.list({ subscription: sub.id, status: 'paid' });
    expect(paid.data.map((i) => i.amount_paid)).toEqual([2000, 0]);
  });

  test('cancel at period end, then cancel now; update items; unknown price / customer errors', async () => {
    const s = await createSession();
    const { customer, price } = await customerWith(s, 'pm_card_visa');
    const sub = await s.sdk.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
    const bigger = await s.sdk.prices.create({ currency: 'usd', unit_amount: 5000, recurring: { interval: 'month' }, product: price.product as string });
    const up = await s.sdk.subscriptions.update(sub.id, { items: [{ id: sub.items.data[0].id, price: bigger.id }], metadata: { tier: 'big' } });
    expect(up.items.data.map((i) => i.price.id)).toEqual([bigger.id]);
    expect(up.metadata).toEqual({ tier: 'big' });
    const pending = await s.sdk.subscriptions.update(sub.id, { cancel_at_period_end: true });
    expect(pending).toMatchObject({ status: 'active', cancel_at_period_end: true });
    await s.admin('POST', '/_mirra/clock', { to: new Date(pending.items.data[0].current_period_end * 1000).toISOString() });
    const ended = await s.sdk.subscriptions.retrieve(sub.id);
    expect(ended).toMatchObject({ status: 'canceled', cancellation_details: { reason: 'cancellation_requested' } });
    const sub2 = await s.sdk.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
    const canceled = await s.sdk.subscriptions.cancel(sub2.id);
    expect(canceled.status).toBe('canceled');
    expect(canceled.ended_at).toEqual(expect.any(Number));
    expect(shape(await stripeError(() => s.sdk.subscriptions.create({ customer: customer.id, items: [{ price: 'price_ghost' }] })))).toMatchObject({ statusCode: 404, param: 'items[0][price]', message: "No such price: 'price_ghost'" });
    expect(shape(await stripeError(() => s.sdk.subscriptions.create({ customer: 'cus_ghost', items: [{ price: price.id }] })))).toMatchObject({ statusCode: 404, param: 'customer' });
    expect(shape(await stripeError(() => s.sdk.subscriptions.create({ customer: customer.id } as never)))).toMatchObject({ statusCode: 400, code: 'parameter_missing', param: 'items' });
  });

  test('a coupon discounts the first invoice', async () => {
    const s = await createSession();
    const { customer, price } = await customerWith(s, 'pm_card_visa');
    await s.sdk.coupons.create({ id: 'HALF', percent_off: 50, duration: 'once' });
    const sub = await s.sdk.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], discounts: [{ coupon: 'HALF' }] });
    const inv = await s.sdk.invoices.retrieve(sub.latest_invoice as string);
    expect(inv).toMatchObject({ subtotal: 2000, total: 1000, amount_paid: 1000, status: 'paid' });
    expect((await s.sdk.coupons.retrieve('HALF')).times_redeemed).toBe(1);
  });
});

describe('invoices', () => {
  test('manual: invoice item + draft → finalize → pay; void; mark uncollectible; paid invoice cannot be voided', async () => {
    const s = await createSession();
    const { customer } = await customerWith(s, 'pm_card_visa');
    await s.sdk.invoiceItems.create({ customer: customer.id, amount: 1234, currency: 'usd', description: 'Consulting' });
    const draft = await s.sdk.invoices.create({ customer: customer.id, pending_invoice_items_behavior: 'include' });
    expect(draft).toMatchObject({ status: 'draft', amount_due: 1234, billing_reason: 'manual', number: null });
    expect(draft.lines.data[0]).toMatchObject({ amount: 1234, description: 'Consulting' });
    const open = await s.sdk.invoices.finalizeInvoice(draft.id);
    expect(open.status).toBe('open');
    expect(open.hosted_invoice_url).toContain(draft.id);
    const paid = await s.sdk.invoices.pay(open.id);
    expect(paid).toMatchObject({ status: 'paid', amount_paid: 1234, amount_remaining: 0 });
    expect(shape(await stripeError(() => s.sdk.invoices.voidInvoice(paid.id)))).toMatchObject({ statusCode: 400 });
    const d2 = await s.sdk.invoices.create({ customer: customer.id });
    await s.sdk.invoiceItems.create({ customer: customer.id, invoice: d2.id, amount: 500, currency: 'usd' });
    const o2 = await s.sdk.invoices.finalizeInvoice(d2.id);
    expect((await s.sdk.invoices.voidInvoice(o2.id)).status).toBe('void');
    const d3 = await s.sdk.invoices.create({ customer: customer.id });
    await s.sdk.invoiceItems.create({ customer: customer.id, invoice: d3.id, amount: 900, currency: 'usd' });
    await s.sdk.invoices.finalizeInvoice(d3.id);
    expect((await s.sdk.invoices.markUncollectible(d3.id)).status).toBe('uncollectible');
    const d4 = await s.sdk.invoices.create({ customer: customer.id });
    expect(await s.sdk.invoices.del(d4.id)).toMatchObject({ id: d4.id, deleted: true });
    expect(shape(await stripeError(() => s.sdk.invoices.retrieve('in_ghost')))).toMatchObject({ statusCode: 404, message: "No such invoice: 'in_ghost'" });
  });
});

describe('simulate', () => {
  test('invoice.payment_failed on an active subscription → past_due, open invoice with a retry, webhooks signed', async () => {
    rx.received.length = 0;
    const s = await createSession('subscription-lifecycle');
    const we = await s.sdk.webhookEndpoints.create({ url: rx.url, enabled_events: ['invoice.payment_failed', 'customer.subscription.updated', 'charge.failed'] });
    const sim = await s.admin('POST', '/_mirra/simulate', { event: 'invoice.payment_failed', subscription: 'sub_active' });
    expect(sim.result).toMatchObject({ subscription: 'sub_active', subscription_status: 'past_due', invoice_status: 'open', attempt_count: 1 });
    const sub = await s.sdk.subscriptions.retrieve('sub_active');
    expect(sub.status).toBe('past_due');
    const inv = await s.sdk.invoices.retrieve(sim.result.invoice);
    expect(inv.next_payment_attempt).toBe(Math.floor((await s.admin('GET', '/_mirra/clock')).nowMs / 1000) + 3 * DAY);
    await s.settle();
    expect(types(rx.received)).toEqual(['charge.failed', 'invoice.payment_failed', 'customer.subscription.updated']);
    for (const r of rx.received) s.sdk.webhooks.constructEvent(r.body, String(r.headers['stripe-signature']), we.secret!);
    const updated = JSON.parse(rx.received[2].body);
    expect(updated.data.previous_attributes).toEqual({ status: 'active' });
    // The retry on day 3 succeeds (Alice's card is good) → active again.
    await s.advance('3d');
    expect((await s.sdk.invoices.retrieve(inv.id)).status).toBe('paid');
    expect((await s.sdk.subscriptions.retrieve('sub_active')).status).toBe('active');
  });

  test('payment_failed alias picks the newest active subscription; unknown ids are rejected with the vendor error', async () => {
    const s = await createSession('subscription-lifecycle');
    const sim = await s.admin('POST', '/_mirra/simulate', { event: 'payment_failed' });
    expect(sim.result.subscription_status).toBe('past_due');
    const bad = await s.admin('POST', '/_mirra/simulate', { event: 'invoice.payment_failed', subscription: 'sub_ghost' });
    expect(bad.error.code).toBe('mirra.simulate.rejected');
  });

  test('charge.dispute.created, trial_will_end, invoice.upcoming, payment_intent.requires_action', async () => {
    rx.received.length = 0;
    const s = await createSession('subscription-lifecycle');
    await s.sdk.webhookEndpoints.create({ url: rx.url, enabled_events: ['*'] });
    const d = await s.admin('POST', '/_mirra/simulate', { event: 'charge.dispute.created', charge: 'ch_abc' });
    expect(d.result.status).toBe('needs_response');
    expect((await s.sdk.charges.retrieve('ch_abc')).disputed).toBe(true);
    expect((await s.sdk.disputes.retrieve(d.result.dispute)).amount).toBe(15000);
    await s.admin('POST', '/_mirra/simulate', { event: 'customer.subscription.trial_will_end', subscription: 'sub_trialing' });
    const up = await s.admin('POST', '/_mirra/simulate', { event: 'invoice.upcoming', subscription: 'sub_active' });
    expect(up.result.amount_due).toBe(15000);
    const pi = await s.sdk.paymentIntents.create({ amount: 900, currency: 'usd', payment_method: 'pm_card_visa' });
    const ra = await s.admin('POST', '/_mirra/simulate', { event: 'payment_intent.requires_action', payment_intent: pi.id });
    expect(ra.result.status).toBe('requires_action');
    expect((await s.sdk.paymentIntents.retrieve(pi.id)).next_action?.type).toBe('use_stripe_sdk');
    await s.settle();
    expect(types(rx.received)).toEqual(['charge.dispute.created', 'customer.subscription.trial_will_end', 'invoice.upcoming', 'payment_intent.created', 'payment_intent.requires_action']);
  });
});

describe('fixtures', () => {
  test('subscription-lifecycle: four customers in trialing / active / past_due / canceled, pi_abc with ch_abc of 15000', async () => {
    const s = await createSession('subscription-lifecycle');
    const subs = await s.sdk.subscriptions.list({ status: 'all' });
    expect(subs.data.map((x) => [x.id, x.status]).sort()).toEqual([
      ['sub_active', 'active'],
      ['sub_canceled', 'canceled'],
      ['sub_past_due', 'past_due'],
      ['sub_trialing', 'trialing'],
    ]);
    expect((await s.sdk.charges.retrieve('ch_abc'))).toMatchObject({ amount: 15000, currency: 'usd', payment_intent: 'pi_abc', status: 'succeeded', refunded: false });
    expect((await s.sdk.prices.list({ lookup_keys: ['pro_monthly'] })).data[0].unit_amount).toBe(15000);
    expect((await s.sdk.invoices.retrieve('in_past_due_open'))).toMatchObject({ status: 'open', amount_due: 1500, attempt_count: 1 });
  });

  test('failed-payments: three past_due customers whose cards decline; retries fail until the subscription is canceled', async () => {
    const s = await createSession('failed-payments');
    const subs = await s.sdk.subscriptions.list();
    expect(subs.data.map((x) => x.status)).toEqual(['past_due', 'past_due', 'past_due']);
    await s.advance('1d');
    const inv = await s.sdk.invoices.retrieve('in_declined_open');
    expect(inv).toMatchObject({ status: 'open', attempt_count: 2 });
    expect(inv.next_payment_attempt).toBe(Math.floor((await s.admin('GET', '/_mirra/clock')).nowMs / 1000) + 5 * DAY);
    await s.advance('6d');
    // in_expired_open was on its 3rd attempt: the 4th fails, retries are exhausted → canceled.
    expect((await s.sdk.subscriptions.retrieve('sub_expired')).status).toBe('canceled');
  });

  test('dunning-active: a past_due subscription with two open invoices and retries pending', async () => {
    const s = await createSession('dunning-active');
    expect((await s.sdk.subscriptions.retrieve('sub_dunning')).status).toBe('past_due');
    const open = await s.sdk.invoices.list({ customer: 'cus_dunning', status: 'open' });
    expect(open.data.map((i) => [i.id, i.attempt_count])).toEqual([['in_dunning_latest', 1], ['in_dunning_older', 3]]);
    const clock = await s.admin('GET', '/_mirra/clock');
    expect(clock.pendingTimers).toBeGreaterThanOrEqual(3);
  });

  test('empty: nothing; deterministic ids across sessions', async () => {
    const a = await createSession('empty');
    const b = await createSession('empty');
    expect((await a.sdk.customers.list()).data).toEqual([]);
    const ca = await a.sdk.customers.create({});
    const cb = await b.sdk.customers.create({});
    expect(ca.id).toBe(cb.id);
  });
});
