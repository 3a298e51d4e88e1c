/**
 * Drives the refund scenario: starts the billing service against the session's Stripe
 * mirror, registers its webhook endpoint the way Stripe users do, and asks for a refund of
 * the 45.00 USD add-on on `pi_abc`. The service keeps running until Mirra has settled the
 * session, so `refund.created` and `charge.refunded` reach its handler (and the signature
 * probe is refused); `cleanup` stops it afterwards.
 */
import { defineDriver } from 'mirra/vitest';
import { startApp, stripeClient } from './src/app.js';

export default defineDriver(async ({ mirrors, log, signal }) => {
  const { url, apiKey } = mirrors.stripe;
  const app = await startApp({ stripeSecretKey: apiKey, stripeApiBase: url });

  const stripe = stripeClient(apiKey, url);
  const endpoint = await stripe.webhookEndpoints.create({
    url: `${app.url}/webhooks/stripe`,
    enabled_events: ['charge.refunded', 'charge.refund.updated', 'refund.created', 'refund.updated', 'refund.failed'],
  });
  if (!endpoint.secret) throw new Error('Stripe did not return the webhook endpoint secret');
  app.setWebhookSecret(endpoint.secret);

  const response = await fetch(`${app.url}/refunds`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ paymentIntent: 'pi_abc', amount: 4500, reason: 'requested_by_customer' }),
    signal,
  });
  const body = await response.json();
  log.info(`POST /refunds → ${response.status} ${JSON.stringify(body)}`);
  for (const message of app.errors) log.error(message);

  return { output: body, cleanup: () => app.close() };
});
