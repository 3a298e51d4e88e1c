/**
 * A small billing service: `POST /refunds` refunds part of a customer's payment through
 * Stripe (checking what is still refundable and Acme's 14-day refund window), and
 * `POST /webhooks/stripe` verifies Stripe's signature and records `charge.refunded` /
 * `refund.*` events, marking the order partially (or fully) refunded.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

/** Acme refunds payments up to 14 days after the charge. */
export const REFUND_WINDOW_DAYS = 14;

export interface AppOptions {
  stripeSecretKey: string;
  /** Where the Stripe API lives (the mirror's URL in tests; https://api.stripe.com in production). */
  stripeApiBase?: string;
  /** The signing secret of the app's Stripe webhook endpoint (`whsec_…`). Set it with `setWebhookSecret` once known. */
  webhookSecret?: string;
  /** The current time in milliseconds (for the refund window); `Date.now` by default. */
  now?: () => number;
}

export interface Order {
  paymentIntent: string;
  charge: string;
  /** What the customer paid, in cents. */
  amount: number;
  /** What has been refunded so far, in cents (from Stripe's `charge.refunded`, or our own refunds until it arrives). */
  amountRefunded: number;
  currency: string;
  status: 'paid' | 'partially_refunded' | 'refunded';
  refunds: string[];
  /** Verified webhook event types, in arrival order. */
  events: string[];
}

export interface App {
  url: string;
  server: Server;
  /** Orders by payment intent id. */
  orders: Map<string, Order>;
  /** Every verified Stripe event, in arrival order. */
  events: Stripe.Event[];
  errors: string[];
  setWebhookSecret(secret: string): void;
  close(): Promise<void>;
}

interface Reply {
  status: number;
  body: unknown;
}

export function stripeClient(secretKey: string, apiBase?: string): Stripe {
  if (!apiBase) return new Stripe(secretKey);
  const u = new URL(apiBase);
  const protocol = u.protocol === 'http:' ? 'http' : 'https';
  return new Stripe(secretKey, { host: u.hostname, port: Number(u.port) || (protocol === 'http' ? 80 : 443), protocol });
}

export async function startApp(options: AppOptions): Promise<App> {
  const stripe = stripeClient(options.stripeSecretKey, options.stripeApiBase);
  const now = options.now ?? Date.now;
  let webhookSecret = options.webhookSecret;
  const orders = new Map<string, Order>();
  const events: Stripe.Event[] = [];
  const errors: string[] = [];

  function orderFor(charge: Stripe.Charge): Order {
    const paymentIntent = typeof charge.payment_intent === 'string' ? charge.payment_intent : (charge.payment_intent?.id ?? charge.id);
    let order = orders.get(paymentIntent);
    if (!order) {
      order = { paymentIntent, charge: charge.id, amount: charge.amount, amountRefunded: 0, currency: charge.currency, status: 'paid', refunds: [], events: [] };
      orders.set(paymentIntent, order);
    }
    order.amountRefunded = Math.max(order.amountRefunded, charge.amount_refunded);
    order.status = statusOf(order);
    return order;
  }

  async function refund(body: { paymentIntent?: unknown; amount?: unknown; reason?: unknown }): Promise<Reply> {
    const paymentIntent = typeof body.paymentIntent === 'string' ? body.paymentIntent.trim() : '';
    if (!/^pi_\w+$/.test(paymentIntent)) return { status: 400, body: { error: 'A payment intent id (pi_…) is required.' } };
    const amount = body.amount;
    if (typeof amount !== 'number' || !Number.isInteger(amount) || amount <= 0) {
      return { status: 400, body: { error: 'The amount must be a positive whole number of cents.' } };
    }
    const reason = body.reason === undefined ? 'requested_by_customer' : body.reason;
    if (reason !== 'requested_by_customer' && reason !== 'duplicate' && reason !== 'fraudulent') {
      return { status: 400, body: { error: 'The reason must be requested_by_customer, duplicate or fraudulent.' } };
    }

    try {
      const intent = await stripe.paymentIntents.retrieve(paymentIntent, { expand: ['latest_charge'] });
      const charge = intent.latest_charge;
      if (intent.status !== 'succeeded' || !charge || typeof charge === 'string') {
        return { status: 409, body: { error: `Payment ${paymentIntent} has not been paid, so there is nothing to refund.` } };
      }
      const ageDays = (now() / 1000 - charge.created) / 86_400;
      if (ageDays > REFUND_WINDOW_DAYS) {
        return { status: 422, body: { error: `Payment ${paymentIntent} was made ${Math.floor(ageDays)} days ago; refunds are only possible within ${REFUND_WINDOW_DAYS} days.` } };
      }
      const remaining = charge.amount - charge.amount_refunded;
      if (amount > remaining) {
        return {
          status: 422,
          body: { error: `Only ${money(remaining, charge.currency)} of payment ${paymentIntent} can still be refunded; ${money(amount, charge.currency)} was asked for.` },
        };
      }

      const created = await stripe.refunds.create({ payment_intent: paymentIntent, amount, reason });
      const order = orderFor(charge);
      order.refunds.push(created.id);
      order.amountRefunded = Math.max(order.amountRefunded, charge.amount_refunded + created.amount);
      order.status = statusOf(order);
      const message =
        `Your refund of ${money(created.amount, created.currency)} is on its way. ` +
        `It will be credited to the card you paid with, usually within 5–10 business days. ` +
        `Reference: ${created.id}. Thank you for your patience!`;
      return { status: 201, body: { ok: true, refundId: created.id, amount: created.amount, currency: created.currency, status: created.status, message } };
    } catch (error) {
      if (error instanceof Stripe.errors.StripeError) {
        errors.push(`refund of ${amount} on ${paymentIntent} failed: ${error.type}/${error.code ?? '-'}: ${error.message}`);
        const status = error.statusCode === 404 ? 404 : error.statusCode && error.statusCode < 500 ? 422 : 502;
        return { status, body: { error: (error.raw as { message?: string } | undefined)?.message ?? error.message, code: error.code } };
      }
      throw error;
    }
  }

  function webhook(raw: string, headers: IncomingMessage['headers']): Reply {
    if (!webhookSecret) return { status: 503, body: { error: 'Webhook secret not configured.' } };
    let event: Stripe.Event;
    try {
      event = stripe.webhooks.constructEvent(raw, String(headers['stripe-signature'] ?? ''), webhookSecret);
    } catch {
      return { status: 400, body: { error: 'Invalid signature.' } };
    }
    events.push(event);
    // Acknowledge (2xx) anything we do not act on, so Stripe does not retry it.
    if (!event.data?.object) return { status: 200, body: { received: true } };
    if (event.type === 'charge.refunded') {
      const order = orderFor(event.data.object);
      order.events.push(event.type);
    } else if (event.type.startsWith('refund.') || event.type === 'charge.refund.updated') {
      const refund = event.data.object as Stripe.Refund;
      const paymentIntent = typeof refund.payment_intent === 'string' ? refund.payment_intent : refund.payment_intent?.id;
      const order = paymentIntent ? orders.get(paymentIntent) : undefined;
      if (order) {
        order.events.push(event.type);
        if (!order.refunds.includes(refund.id)) order.refunds.push(refund.id);
      }
    }
    return { status: 200, body: { received: true } };
  }

  const server = createServer(async (req, res) => {
    const raw = await readBody(req);
    let reply: Reply;
    try {
      if (req.method === 'POST' && req.url === '/refunds') reply = await refund(JSON.parse(raw || '{}'));
      else if (req.method === 'POST' && req.url === '/webhooks/stripe') reply = webhook(raw, req.headers);
      else reply = { status: 404, body: { error: 'Not found' } };
    } catch (error) {
      errors.push(String(error));
      reply = { status: 400, body: { error: 'Bad request' } };
    }
    res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    server,
    orders,
    events,
    errors,
    setWebhookSecret: (secret) => {
      webhookSecret = secret;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function statusOf(order: Order): Order['status'] {
  if (order.amountRefunded <= 0) return 'paid';
  return order.amountRefunded >= order.amount ? 'refunded' : 'partially_refunded';
}

function money(cents: number, currency: string): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).format(cents / 100);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
