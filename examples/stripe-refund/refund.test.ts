/**
 * Plain Vitest tests of the same app against a Stripe mirror: `withMirra` sets
 * STRIPE_API_BASE / STRIPE_SECRET_KEY for this worker and resets the mirror to the
 * `subscription-lifecycle` seed (`pi_abc`: 150.00 USD, paid 10 days ago) before each test.
 */
import { afterEach, beforeEach, expect, test } from 'vitest';
import Stripe from 'stripe';
import { useMirraSession, waitForWebhook } from 'mirra/vitest';
import { startApp, stripeClient, type App } from './src/app.js';

let app: App;
let stripe: Stripe;

beforeEach(async () => {
  app = await startApp({ stripeSecretKey: process.env.STRIPE_SECRET_KEY!, stripeApiBase: process.env.STRIPE_API_BASE });
  stripe = stripeClient(process.env.STRIPE_SECRET_KEY!, process.env.STRIPE_API_BASE);
  const endpoint = await stripe.webhookEndpoints.create({ url: `${app.url}/webhooks/stripe`, enabled_events: ['charge.refunded', 'refund.created', 'refund.updated'] });
  app.setWebhookSecret(endpoint.secret!);
});

afterEach(() => app.close());

async function refund(body: Record<string, unknown>) {
  const response = await fetch(`${app.url}/refunds`, { method: 'POST', body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as { refundId?: string; amount?: number; message?: string; error?: string; code?: string } };
}

test('a partial refund is created and charge.refunded marks the order partially refunded', async () => {
  const { status, body } = await refund({ paymentIntent: 'pi_abc', amount: 4500 });
  expect(status).toBe(201);
  expect(body).toMatchObject({ ok: true, amount: 4500, currency: 'usd', status: 'succeeded' });
  expect(body.message).toContain('$45.00');

  // `data` is the event's `data`: Stripe puts the charge in `data.object`.
  const event = await waitForWebhook({ mirror: 'stripe', type: 'charge.refunded', match: (e) => (e.data.object as Stripe.Charge).id === 'ch_abc' });
  expect(event.data.object).toMatchObject({ id: 'ch_abc', amount: 15000, amount_refunded: 4500, refunded: false });
  expect(event.data.previous_attributes).toMatchObject({ amount_refunded: 0 });
  await useMirraSession().admin('stripe').settle();

  expect(app.orders.get('pi_abc')).toMatchObject({ charge: 'ch_abc', amount: 15000, amountRefunded: 4500, status: 'partially_refunded', refunds: [body.refundId] });
  expect(app.orders.get('pi_abc')!.events).toEqual(expect.arrayContaining(['refund.created', 'charge.refunded']));
  const charge = await stripe.charges.retrieve('ch_abc');
  expect(charge).toMatchObject({ amount_refunded: 4500, refunded: false });
});

test('an over-refund is refused, as Stripe itself refuses it', async () => {
  expect((await refund({ paymentIntent: 'pi_abc', amount: 12000 })).status).toBe(201);

  const { status, body } = await refund({ paymentIntent: 'pi_abc', amount: 4500 });
  expect(status).toBe(422);
  expect(body.error).toBe('Only $30.00 of payment pi_abc can still be refunded; $45.00 was asked for.');
  expect((await stripe.refunds.list({ payment_intent: 'pi_abc' })).data.map((r) => r.amount)).toEqual([12000]);

  // The app's check is Stripe's own rule: asking Stripe directly is refused with `amount_too_large`.
  const error = await stripe.refunds.create({ payment_intent: 'pi_abc', amount: 4500 }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
  expect(error).toMatchObject({ code: 'amount_too_large', statusCode: 400 });
});

test("an unknown payment is refused with Stripe's error", async () => {
  const { status, body } = await refund({ paymentIntent: 'pi_missing', amount: 4500 });
  expect(status).toBe(404);
  expect(body).toEqual({ error: "No such payment_intent: 'pi_missing'", code: 'resource_missing' });
});

test('payments older than 14 days are not refunded', async () => {
  await app.close();
  // The seed's charge was made 10 days ago; five days on, it is outside the window.
  app = await startApp({ stripeSecretKey: process.env.STRIPE_SECRET_KEY!, stripeApiBase: process.env.STRIPE_API_BASE, now: () => Date.now() + 5 * 86_400_000 });
  const { status, body } = await refund({ paymentIntent: 'pi_abc', amount: 4500 });
  expect(status).toBe(422);
  expect(body.error).toBe('Payment pi_abc was made 15 days ago; refunds are only possible within 14 days.');
  expect((await stripe.refunds.list({ payment_intent: 'pi_abc' })).data).toEqual([]);
});

test('a webhook with a bad signature is refused', async () => {
  const payload = JSON.stringify({ id: 'evt_forged', object: 'event', type: 'charge.refunded', data: { object: { id: 'ch_abc' } } });
  const header = stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_not_the_endpoint_secret' });
  const response = await fetch(`${app.url}/webhooks/stripe`, { method: 'POST', headers: { 'stripe-signature': header }, body: payload });
  expect(response.status).toBe(400);
  expect(app.events).toEqual([]);
});
