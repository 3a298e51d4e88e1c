/** Customers, products, prices, coupons, payment methods: CRUD, lists, errors, idempotency, over the official SDK. */
import { afterAll, describe, expect, test } from 'vitest';
import Stripe from 'stripe';
import { createSession, sdkFor, shape, stopMirra, stripeError } from './harness.js';

afterAll(() => stopMirra());

describe('pointing the SDK and authentication', () => {
  test('every response has Request-Id and echoes Stripe-Version; x-mirra-version names the API version', async () => {
    const s = await createSession();
    const r = await s.http('GET', '/v1/customers', undefined, { 'stripe-version': '2026-11-18.endive' });
    expect(r.status).toBe(200);
    expect(r.headers.get('request-id')).toMatch(/^req_[A-Za-z0-9]{14}$/);
    expect(r.headers.get('stripe-version')).toBe('2026-11-18.endive');
    expect(r.headers.get('x-mirra-version')).toBe('stripe@0.7.3 · api=2024-06-20');
    expect(r.body).toEqual({ object: 'list', data: [], has_more: false, url: '/v1/customers' });
    const c = await s.sdk.customers.create({ email: 'a@example.com' });
    expect(c.lastResponse.requestId).toMatch(/^req_/);
    expect(c.lastResponse.statusCode).toBe(200);
  });

  test('Basic auth with the key as user name works too', async () => {
    const s = await createSession();
    const r = await fetch(`${s.url}/v1/customers`, { headers: { authorization: `Basic ${Buffer.from(`${s.apiKey}:`).toString('base64')}` } });
    expect(r.status).toBe(200);
  });

  test('a wrong key is StripeAuthenticationError 401 with the masked key; no key gets Stripe\'s exact message', async () => {
    const s = await createSession();
    const wrong = 'sk_test_51WrongKeyWrongKeyWrongKey1234';
    const err = await stripeError(() => sdkFor(s.url, wrong).customers.list());
    expect(err).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(err.type).toBe('StripeAuthenticationError');
    expect(err.statusCode).toBe(401);
    expect(err.raw.message).toBe(`Invalid API Key provided: sk_test_${'*'.repeat(wrong.length - 8 - 4)}1234`);
    const r = await fetch(`${s.url}/v1/customers`);
    expect(r.status).toBe(401);
    expect(await r.json()).toEqual({
      error: {
        message:
          "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
        type: 'invalid_request_error',
      },
    });
  });

  test('an unknown URL answers Stripe\'s "Unrecognized request URL" 404', async () => {
    const s = await createSession();
    const r = await s.http('GET', '/v1/nonsense');
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ error: { message: 'Unrecognized request URL (GET: /v1/nonsense). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.', type: 'invalid_request_error' } });
  });
});

describe('customers', () => {
  test('create, retrieve, update (metadata merges, empty string unsets), delete, retrieve deleted', async () => {
    const s = await createSession();
    const c = await s.sdk.customers.create({ email: 'jenny@example.com', name: 'Jenny', metadata: { plan: 'pro', ref: 'x' } });
    expect(c.id).toMatch(/^cus_[A-Za-z0-9]{14}$/);
    expect(c).toMatchObject({ object: 'customer', email: 'jenny@example.com', name: 'Jenny', livemode: false, balance: 0, delinquent: false, metadata: { plan: 'pro', ref: 'x' } });
    expect(c.invoice_settings.default_payment_method).toBeNull();
    const got = await s.sdk.customers.retrieve(c.id);
    expect(got).toMatchObject({ id: c.id, email: 'jenny@example.com' });
    const up = await s.sdk.customers.update(c.id, { name: 'Jennifer', metadata: { ref: '', team: 'a' } });
    expect(up.name).toBe('Jennifer');
    expect(up.metadata).toEqual({ plan: 'pro', team: 'a' });
    const del = await s.sdk.customers.del(c.id);
    expect(del).toMatchObject({ id: c.id, object: 'customer', deleted: true });
    const again = await s.sdk.customers.retrieve(c.id);
    expect(again).toMatchObject({ id: c.id, deleted: true });
    expect((await s.sdk.customers.list()).data).toHaveLength(0);
  });

  test('unknown id → 404 resource_missing "No such customer"', async () => {
    const s = await createSession();
    const err = await stripeError(() => s.sdk.customers.retrieve('cus_nope'));
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(err.statusCode).toBe(404);
    expect(err.code).toBe('resource_missing');
    expect(err.raw.message).toBe("No such customer: 'cus_nope'");
    expect(err.param).toBe('id');
    expect(err.raw.doc_url).toBe('https://stripe.com/docs/error-codes/resource-missing');
    expect(err.raw.request_log_url).toMatch(/^https:\/\/dashboard\.stripe\.com\/test\/logs\/req_[A-Za-z0-9]{14}\?t=\d+$/);
    expect(err.raw.request_log_url).toContain(err.requestId);
    // stripe-node prefixes the request id to the message it throws.
    expect(err.message).toBe(`[${err.requestId}] No such customer: 'cus_nope'`);
  });

  test('unknown and mistyped parameters → 400 parameter_unknown / parameter_invalid_integer, never a 500', async () => {
    const s = await createSession();
    const e1 = await stripeError(() => s.sdk.customers.create({ emial: 'x' } as never));
    expect(shape(e1)).toMatchObject({ type: 'StripeInvalidRequestError', statusCode: 400, code: 'parameter_unknown', param: 'emial', message: 'Received unknown parameter: emial' });
    const e2 = await stripeError(() => s.sdk.customers.create({ balance: 'lots' } as never));
    expect(shape(e2)).toMatchObject({ statusCode: 400, code: 'parameter_invalid_integer', param: 'balance', message: 'Invalid integer: lots' });
    const e3 = await stripeError(() => s.sdk.customers.create({ address: { planet: 'Mars' } } as never));
    expect(shape(e3)).toMatchObject({ code: 'parameter_unknown', param: 'address[planet]', message: 'Received unknown parameter: address[planet]' });
    const e4 = await stripeError(() => s.sdk.customers.create({ tax_exempt: 'sometimes' } as never));
    expect(shape(e4)).toMatchObject({ statusCode: 400, param: 'tax_exempt', message: 'Invalid tax_exempt: must be one of exempt, none, or reverse' });
    const raw = await s.http('POST', '/v1/customers', 'email=%E0%A4%A&metadata[=x');
    expect(raw.status).toBeLessThan(500);
  });

  test('an oversized body → 413 with Stripe\'s envelope; a broken JSON body → 400', async () => {
    const s = await createSession();
    const big = await s.http('POST', '/v1/customers', 'description=' + 'x'.repeat(1024 * 1024 + 10));
    expect(big.status).toBe(413);
    expect(big.body.error.type).toBe('invalid_request_error');
    const bad = await s.http('POST', '/v1/customers', '{"email":', { 'content-type': 'application/json' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.type).toBe('invalid_request_error');
  });

  test('list: newest first, limit, starting_after / ending_before, has_more; auto-pagination; bad limit', async () => {
    const s = await createSession();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await s.sdk.customers.create({ email: `u${i}@example.com` })).id);
    const page1 = await s.sdk.customers.list({ limit: 2 });
    expect(page1.object).toBe('list');
    expect(page1.url).toBe('/v1/customers');
    expect(page1.data.map((c) => c.id)).toEqual([ids[4], ids[3]]);
    expect(page1.has_more).toBe(true);
    const page2 = await s.sdk.customers.list({ limit: 2, starting_after: ids[3] });
    expect(page2.data.map((c) => c.id)).toEqual([ids[2], ids[1]]);
    expect(page2.has_more).toBe(true);
    const page3 = await s.sdk.customers.list({ limit: 2, starting_after: ids[1] });
    expect(page3.data.map((c) => c.id)).toEqual([ids[0]]);
    expect(page3.has_more).toBe(false);
    const before = await s.sdk.customers.list({ limit: 2, ending_before: ids[1] });
    expect(before.data.map((c) => c.id)).toEqual([ids[3], ids[2]]);
    expect(before.has_more).toBe(true);
    const all: string[] = [];
    for await (const c of s.sdk.customers.list({ limit: 2 })) all.push(c.id);
    expect(all).toEqual([...ids].reverse());
    expect((await s.sdk.customers.list({ email: 'u2@example.com' })).data.map((c) => c.id)).toEqual([ids[2]]);
    const err = await stripeError(() => s.sdk.customers.list({ limit: 101 }));
    expect(shape(err)).toMatchObject({ statusCode: 400, param: 'limit', message: 'This value must be less than or equal to 100.' });
    const err2 = await stripeError(() => s.sdk.customers.list({ starting_after: 'cus_missing' }));
    expect(shape(err2)).toMatchObject({ statusCode: 404, code: 'resource_missing', param: 'starting_after' });
  });

  test('search by email and metadata', async () => {
    const s = await createSession();
    const a = await s.sdk.customers.create({ email: 'alice@example.com', metadata: { tier: 'gold' } });
    await s.sdk.customers.create({ email: 'bob@example.com', metadata: { tier: 'silver' } });
    const r = await s.sdk.customers.search({ query: "email:'alice@example.com'" });
    expect(r.object).toBe('search_result');
    expect(r.data.map((c) => c.id)).toEqual([a.id]);
    const m = await s.sdk.customers.search({ query: "metadata['tier']:'gold'" });
    expect(m.data.map((c) => c.id)).toEqual([a.id]);
    const err = await stripeError(() => s.sdk.customers.search({ query: 'email alice' }));
    expect(shape(err)).toMatchObject({ statusCode: 400, param: 'query' });
  });

  test('expand[] resolves references; a non-expandable path is refused', async () => {
    const s = await createSession();
    const c = await s.sdk.customers.create({ email: 'e@example.com', payment_method: 'pm_card_visa' });
    const pms = await s.sdk.customers.listPaymentMethods(c.id);
    expect(pms.data).toHaveLength(1);
    await s.sdk.customers.update(c.id, { invoice_settings: { default_payment_method: pms.data[0].id } });
    const got = await s.sdk.customers.retrieve(c.id, { expand: ['invoice_settings.default_payment_method'] });
    expect((got as Stripe.Customer).invoice_settings.default_payment_method).toMatchObject({ id: pms.data[0].id, object: 'payment_method', card: { brand: 'visa', last4: '4242' } });
    const err = await stripeError(() => s.sdk.customers.retrieve(c.id, { expand: ['email'] }));
    expect(shape(err)).toMatchObject({ statusCode: 400, message: 'This property cannot be expanded (email).' });
  });
});

describe('idempotency', () => {
  test('same key + same params replays byte for byte with Idempotent-Replayed; different params → StripeIdempotencyError', async () => {
    const s = await createSession();
    const key = 'order-42';
    const first = await s.sdk.customers.create({ email: 'i@example.com' }, { idempotencyKey: key });
    const second = await s.sdk.customers.create({ email: 'i@example.com' }, { idempotencyKey: key });
    expect(second.id).toBe(first.id);
    expect(second.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(second.lastResponse.requestId).toBe(first.lastResponse.requestId);
    expect(first.lastResponse.headers['idempotent-replayed']).toBeUndefined();
    expect((await s.sdk.customers.list()).data).toHaveLength(1);
    const err = await stripeError(() => s.sdk.customers.create({ email: 'other@example.com' }, { idempotencyKey: key }));
    expect(err).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(err.statusCode).toBe(400);
    expect(err.raw.type).toBe('idempotency_error');
    expect(err.raw.message).toBe(
      `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
    );
    const err2 = await stripeError(() => s.sdk.products.create({ name: 'x' }, { idempotencyKey: key }));
    expect(err2.raw.message).toBe(
      `Keys for idempotent requests can only be used for the same endpoint they were first used for ('/v1/products' vs '/v1/customers'). Try using a key other than '${key}' if you meant to execute a different request.`,
    );
  });

  test('a validation failure is not stored: the same key works after fixing the request', async () => {
    const s = await createSession();
    await stripeError(() => s.sdk.customers.create({ bogus: 1 } as never, { idempotencyKey: 'k1' }));
    const ok = await s.sdk.customers.create({ email: 'k@example.com' }, { idempotencyKey: 'k1' });
    expect(ok.email).toBe('k@example.com');
  });

  test('every SDK POST carries its own auto key (stripe-node-retry-…), echoed back', async () => {
    const s = await createSession();
    const c = await s.sdk.customers.create({});
    expect(c.lastResponse.idempotencyKey).toMatch(/^stripe-node-retry-/);
    expect(c.lastResponse.headers['idempotency-key']).toBe(c.lastResponse.idempotencyKey);
  });
});

describe('products, prices, coupons', () => {
  test('product + prices (recurring and one-time), lookup keys, list filters, product delete refused with prices', async () => {
    const s = await createSession();
    const prod = await s.sdk.products.create({ name: 'Gold', metadata: { sku: 'g1' } });
    expect(prod).toMatchObject({ object: 'product', name: 'Gold', active: true, default_price: null });
    const monthly = await s.sdk.prices.create({ product: prod.id, currency: 'usd', unit_amount: 2000, recurring: { interval: 'month' }, lookup_key: 'gold_m' });
    expect(String(monthly.unit_amount_decimal)).toBe('2000');
    expect(monthly).toMatchObject({ object: 'price', type: 'recurring', unit_amount: 2000, currency: 'usd', recurring: { interval: 'month', interval_count: 1, usage_type: 'licensed' } });
    const once = await s.sdk.prices.create({ product_data: { name: 'Setup fee' }, currency: 'EUR', unit_amount: 500 });
    expect(once).toMatchObject({ type: 'one_time', recurring: null, currency: 'eur' });
    expect((await s.sdk.prices.list({ lookup_keys: ['gold_m'] })).data.map((p) => p.id)).toEqual([monthly.id]);
    expect((await s.sdk.prices.list({ product: prod.id })).data).toHaveLength(1);
    const withDefault = await s.sdk.products.update(prod.id, { default_price: monthly.id });
    expect(withDefault.default_price).toBe(monthly.id);
    const err = await stripeError(() => s.sdk.products.del(prod.id));
    expect(shape(err)).toMatchObject({ statusCode: 400, message: 'This product cannot be deleted because it has one or more user-created prices.' });
    const e2 = await stripeError(() => s.sdk.prices.create({ product: prod.id, currency: 'usd' }));
    expect(shape(e2)).toMatchObject({ statusCode: 400, code: 'parameter_missing', param: 'unit_amount' });
    const e3 = await stripeError(() => s.sdk.prices.create({ product: 'prod_missing', currency: 'usd', unit_amount: 1 }));
    expect(shape(e3)).toMatchObject({ statusCode: 404, code: 'resource_missing', param: 'product', message: "No such product: 'prod_missing'" });
    const bare = await s.sdk.products.create({ name: 'Temp' });
    expect(await s.sdk.products.del(bare.id)).toMatchObject({ id: bare.id, deleted: true });
  });

  test('coupons: percent or amount off, exactly one required', async () => {
    const s = await createSession();
    const c = await s.sdk.coupons.create({ id: 'SPRING', percent_off: 25, duration: 'repeating', duration_in_months: 3 });
    expect(c).toMatchObject({ id: 'SPRING', object: 'coupon', percent_off: 25, duration: 'repeating', duration_in_months: 3, valid: true, times_redeemed: 0 });
    const a = await s.sdk.coupons.create({ amount_off: 500, currency: 'usd', duration: 'once' });
    expect(a.amount_off).toBe(500);
    const err = await stripeError(() => s.sdk.coupons.create({ duration: 'once' }));
    expect(shape(err)).toMatchObject({ statusCode: 400, message: 'You must pass exactly one of percent_off or amount_off.' });
    expect(await s.sdk.coupons.del('SPRING')).toMatchObject({ id: 'SPRING', deleted: true });
    expect(shape(await stripeError(() => s.sdk.coupons.retrieve('SPRING')))).toMatchObject({ statusCode: 404, message: "No such coupon: 'SPRING'" });
  });
});

describe('payment methods', () => {
  test('create from a token, attach, list by customer, detach; a declining card fails at attach with StripeCardError', async () => {
    const s = await createSession();
    const c = await s.sdk.customers.create({ email: 'pm@example.com' });
    const pm = await s.sdk.paymentMethods.create({ type: 'card', card: { token: 'tok_visa' } });
    expect(pm).toMatchObject({ object: 'payment_method', type: 'card', customer: null, card: { brand: 'visa', last4: '4242' } });
    const attached = await s.sdk.paymentMethods.attach(pm.id, { customer: c.id });
    expect(attached.customer).toBe(c.id);
    const fromToken = await s.sdk.paymentMethods.attach('pm_card_mastercard', { customer: c.id });
    expect(fromToken.id).toMatch(/^pm_[A-Za-z0-9]{24}$/);
    expect(fromToken.card!.brand).toBe('mastercard');
    expect((await s.sdk.paymentMethods.list({ customer: c.id, type: 'card' })).data.map((p) => p.id)).toEqual([fromToken.id, pm.id]);
    const detached = await s.sdk.paymentMethods.detach(pm.id);
    expect(detached.customer).toBeNull();
    const err = await stripeError(() => s.sdk.paymentMethods.attach('pm_card_chargeDeclined', { customer: c.id }));
    expect(err).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(shape(err)).toMatchObject({ statusCode: 402, code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' });
    const e2 = await stripeError(() => s.sdk.paymentMethods.attach('pm_card_visa', { customer: 'cus_ghost' }));
    expect(shape(e2)).toMatchObject({ statusCode: 404, param: 'customer', message: "No such customer: 'cus_ghost'" });
    const e3 = await stripeError(() => s.sdk.paymentMethods.retrieve('pm_ghost'));
    expect(shape(e3)).toMatchObject({ statusCode: 404, message: "No such PaymentMethod: 'pm_ghost'" });
  });
});
