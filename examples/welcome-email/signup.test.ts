/**
 * Plain Vitest tests of the same app against a Resend mirror: `withMirra` sets
 * RESEND_BASE_URL / RESEND_API_KEY for this worker and resets the mirror before each test.
 */
import { afterEach, beforeEach, expect, test } from 'vitest';
import { Resend } from 'resend';
import { useMirraSession, waitForWebhook } from 'mirra/vitest';
import { startApp, type App } from './src/app.js';

let app: App;

beforeEach(async () => {
  app = await startApp({ resendApiKey: process.env.RESEND_API_KEY!, resendBaseUrl: process.env.RESEND_BASE_URL });
  const resend = new Resend(process.env.RESEND_API_KEY, { baseUrl: process.env.RESEND_BASE_URL });
  const { data } = await resend.webhooks.create({ endpoint: `${app.url}/webhooks/resend`, events: ['email.sent', 'email.delivered', 'email.bounced'] });
  app.setWebhookSecret(data!.signing_secret);
});

afterEach(() => app.close());

async function signup(email: string) {
  const response = await fetch(`${app.url}/signup`, { method: 'POST', body: JSON.stringify({ email }) });
  return { status: response.status, body: (await response.json()) as { emailId: string; error?: string } };
}

test('a signup sends one welcome email and records its delivery', async () => {
  const { status, body } = await signup('alice@example.com');
  expect(status).toBe(201);

  await waitForWebhook({ mirror: 'resend', type: 'email.sent' });
  await useMirraSession().admin('resend').settle();
  expect(app.deliveries.get(body.emailId)).toMatchObject({ to: 'alice@example.com', status: 'delivered', events: ['email.sent', 'email.delivered'] });
});

test('a hard bounce suppresses the address', async () => {
  const { body } = await signup('bob@example.com');
  await useMirraSession().admin('resend').simulate('email.bounced', { emailId: body.emailId, bounce: { type: 'hard', reason: 'user not found' } });
  await waitForWebhook({ mirror: 'resend', type: 'email.bounced' });
  await useMirraSession().admin('resend').settle();

  expect(app.suppressed.has('bob@example.com')).toBe(true);
  expect(await signup('bob@example.com')).toEqual({ status: 409, body: { error: 'bob@example.com bounced before; not sending.' } });
});
