/**
 * The Stripe mirror: a stateful re-implementation of https://api.stripe.com (v1) that the
 * official `stripe` SDK talks to unchanged (`new Stripe(key, { host, port, protocol: 'http' })`).
 * See docs/mirrors/stripe.md.
 */
import { defineMirror, type RequestHead, type VendorReply } from '../core/definition.js';
import { bearerOrBasicCredential, parseAuthorization } from '../core/credentials.js';
import { stripeSigner } from '../core/signers.js';
import { randomString } from '../core/ids.js';
import { MESSAGES, errorReply, maskKey } from './errors.js';
import { API_VERSION, EVENT_TYPES } from './events.js';
import { renderJson } from './json.js';
import { BILLING_TIMERS } from './billing.js';
import { customerRoutes } from './routes/customers.js';
import { paymentMethodRoutes } from './routes/payment-methods.js';
import { paymentIntentRoutes } from './routes/payment-intents.js';
import { chargeRoutes } from './routes/charges.js';
import { catalogRoutes } from './routes/catalog.js';
import { billingRoutes } from './routes/billing.js';
import { webhookRoutes } from './routes/webhooks.js';
import { simulateEvents } from './simulate.js';
import { afterSeed, prepareSeedRecord } from './seed.js';
import { vocabulary } from './vocabulary.js';
import { newRequestId } from './request.js';

export { vocabulary };

/**
 * Stripe retries failed deliveries "3 times over a few hours" in test mode (live: up to
 * 3 days with exponential backoff). We model three retries after 10 min, 1 h and 2 h.
 */
export const STRIPE_TEST_RETRY_SCHEDULE_MS = [10 * 60_000, 60 * 60_000, 2 * 60 * 60_000];

/** Stripe refuses bodies past this size (413, invalid_request_error). */
export const MAX_BODY_BYTES = 1024 * 1024;

const invalidRequest = (status: number, message: string): VendorReply => errorReply(status, { type: 'invalid_request_error', message });

export const stripe = defineMirror({
  name: 'stripe',
  displayName: 'Stripe',
  vocabulary,
  version: '0.7.3',
  apiVersion: API_VERSION,
  description:
    'Stripe API v1: customers, products, prices, coupons, payment methods (test cards), payment intents, charges, refunds, subscriptions, invoices, webhook endpoints, events (Stripe-Signature webhooks).',
  credentials: bearerOrBasicCredential('sk_test_', () => ({ apiKey: `sk_test_51Mirra${randomString(93)}`, webhookSecret: `whsec_${randomString(32)}` })),
  errors: {
    unauthorized(reason, req: RequestHead) {
      if (reason === 'missing') return invalidRequest(401, MESSAGES.missingKey);
      const auth = parseAuthorization(req.headers);
      const key = auth?.scheme === 'bearer' ? auth.token : auth?.scheme === 'basic' ? auth.user : '';
      return invalidRequest(401, MESSAGES.invalidKey(maskKey(key)));
    },
    notFound: (req) => invalidRequest(404, MESSAGES.unrecognizedUrl(req.method, req.path)),
    methodNotAllowed: (req) => invalidRequest(404, MESSAGES.unrecognizedUrl(req.method, req.path)),
    invalidBody: (message) => invalidRequest(400, MESSAGES.invalidBody(message)),
    payloadTooLarge: (limit) => invalidRequest(413, MESSAGES.tooLarge(limit)),
    internal: () => errorReply(500, { type: 'api_error', message: MESSAGES.internal }),
  },
  entities: [
    { name: 'customers', idPrefix: 'cus_', indexes: ['email'] },
    { name: 'products', idPrefix: 'prod_' },
    { name: 'prices', idPrefix: 'price_', indexes: ['product', 'lookup_key'] },
    { name: 'coupons' },
    { name: 'payment_methods', idPrefix: 'pm_', indexes: ['customer'] },
    { name: 'payment_intents', idPrefix: 'pi_', indexes: ['customer', 'invoice'] },
    { name: 'charges', idPrefix: 'ch_', indexes: ['payment_intent', 'customer'] },
    { name: 'refunds', idPrefix: 're_', indexes: ['charge', 'payment_intent'] },
    { name: 'disputes', idPrefix: 'du_', indexes: ['charge'] },
    { name: 'balance_transactions', idPrefix: 'txn_', indexes: ['source'] },
    { name: 'subscriptions', idPrefix: 'sub_', indexes: ['customer', 'status'] },
    { name: 'invoices', idPrefix: 'in_', indexes: ['customer', 'subscription', 'status'] },
    { name: 'invoiceitems', idPrefix: 'ii_', indexes: ['customer', 'invoice'] },
    { name: 'events', idPrefix: 'evt_', indexes: ['type'] },
    { name: 'deleted_objects' },
  ],
  routes: [...customerRoutes, ...paymentMethodRoutes, ...paymentIntentRoutes, ...chargeRoutes, ...catalogRoutes, ...billingRoutes, ...webhookRoutes],
  idempotency: {
    header: 'idempotency-key',
    applies: (_route, req) => req.method === 'POST',
    validateKey: (key) => (key.length > 255 ? invalidRequest(400, MESSAGES.idempotencyKeyTooLong) : undefined),
    ttlMs: 24 * 60 * 60 * 1000,
    // Stripe saves the result once execution begins (success, card errors, 5xx); requests
    // that fail validation (400, 404) are not saved.
    shouldStore: (status) => status < 400 || status === 402 || status >= 500,
    paramsMismatch: (original) => errorReply(400, { type: 'idempotency_error', message: MESSAGES.idempotencyParams(original.key) }),
    endpointMismatch: (original, req) => errorReply(400, { type: 'idempotency_error', message: MESSAGES.idempotencyEndpoint(req.path, original.path, original.key) }),
    replayHeaders: () => ({ 'idempotent-replayed': 'true' }),
  },
  webhooks: {
    eventTypes: EVENT_TYPES,
    signer: stripeSigner(),
    retryScheduleMs: STRIPE_TEST_RETRY_SCHEDULE_MS,
    timeoutMs: 30_000,
    eventIdPrefix: 'evt_',
    serialize: (event) => renderJson(event.payload),
    contentType: 'application/json; charset=utf-8',
    headers: { 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)', 'cache-control': 'no-cache', accept: '*/*; q=0.5, application/xml' },
  },
  simulate: simulateEvents,
  timers: BILLING_TIMERS,
  prepareSeedRecord,
  afterSeed,
  responseHeaders(ctx, reply, req) {
    const headers: Record<string, string> = {
      'request-id': newRequestId(ctx),
      'stripe-version': headerValue(req.headers['stripe-version']) ?? API_VERSION,
      'access-control-allow-origin': '*',
      'access-control-allow-credentials': 'true',
      'access-control-expose-headers': 'Request-Id, Stripe-Manage-Version, Stripe-Should-Retry, X-Stripe-External-Auth-Required, X-Stripe-Privileged-Session-Required',
      'cache-control': 'no-cache, no-store',
    };
    const key = headerValue(req.headers['idempotency-key']);
    if (key && req.method === 'POST') headers['idempotency-key'] = key;
    if (reply.status === 404 || reply.status === 401) headers['stripe-should-retry'] = 'false';
    return headers;
  },
  maxBodyBytes: MAX_BODY_BYTES,
});

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

export default stripe;
