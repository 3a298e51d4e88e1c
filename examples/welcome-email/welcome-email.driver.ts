/**
 * Drives the welcome-email scenario: starts the signup service against the session's
 * Resend mirror, registers its webhook the way Resend users do, and signs Alice up.
 * The service keeps running until Mirra has settled the session, so the `email.sent` and
 * `email.delivered` webhooks reach its handler; `cleanup` stops it afterwards.
 */
import { defineDriver } from 'mirra/vitest';
import { Resend } from 'resend';
import { startApp } from './src/app.js';

export default defineDriver(async ({ mirrors, log }) => {
  const { url, apiKey } = mirrors.resend;
  const app = await startApp({ resendApiKey: apiKey, resendBaseUrl: url });

  const resend = new Resend(apiKey, { baseUrl: url });
  const { data: webhook, error } = await resend.webhooks.create({
    endpoint: `${app.url}/webhooks/resend`,
    events: ['email.sent', 'email.delivered', 'email.bounced', 'email.complained', 'email.delivery_delayed', 'email.failed'],
  });
  if (error || !webhook) throw new Error(`Could not register the Resend webhook: ${error?.message}`);
  app.setWebhookSecret(webhook.signing_secret);

  const response = await fetch(`${app.url}/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'alice@example.com', name: 'Alice' }),
  });
  const body = await response.json();
  log.info(`POST /signup → ${response.status} ${JSON.stringify(body)}`);
  for (const message of app.errors) log.error(message);

  return { output: body, cleanup: () => app.close() };
});
