/**
 * Plain Vitest tests of the same app against a Twilio mirror: `withMirra` sets
 * TWILIO_API_BASE / TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN for this worker, seeds the mirror
 * with seeds/acme-login.json and resets it to that seed before each test.
 */
import { afterEach, beforeEach, expect, test } from 'vitest';
import { useMirraSession, waitForWebhook } from 'mirra/vitest';
import { startApp, type App } from './src/app.js';

const PHONE = '+15555550100';
const VERIFY_SERVICE = 'VAc713ef2c801c6c9fad5c2b8a788bef17';
let app: App;

beforeEach(async () => {
  app = await startApp({
    accountSid: process.env.TWILIO_ACCOUNT_SID!,
    authToken: process.env.TWILIO_AUTH_TOKEN!,
    apiBase: process.env.TWILIO_API_BASE,
    verifyServiceSid: VERIFY_SERVICE,
    from: '+15555550123',
  });
});

afterEach(() => app.close());

const twilio = () => useMirraSession().admin('twilio');

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${app.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as Record<string, any> };
}

interface Verification {
  sid: string;
  to: string;
  status: string;
  code: string;
  check_attempts: number;
}

/** What a real user reads on their phone: the code, from the mirror's state. */
async function verification(): Promise<Verification> {
  const { verifications } = await twilio().state();
  const v = (verifications as Verification[]).find((row) => row.to === PHONE);
  if (!v) throw new Error(`no verification for ${PHONE}`);
  return v;
}

const wrong = (code: string) => code.slice(0, -1) + String((Number(code.at(-1)) + 1) % 10);

test('the right code signs the user in, and the "You signed in" SMS is delivered', async () => {
  expect(await post('/login/start', { phone: PHONE })).toMatchObject({ status: 202, body: { status: 'pending', to: PHONE } });
  const { code } = await verification();
  const { messages } = await twilio().state();
  expect(messages).toEqual([expect.objectContaining({ to: PHONE, source: 'verify', body: `Your Acme verification code is: ${code}` })]);

  const signedIn = await post('/login/check', { phone: PHONE, code });
  expect(signedIn).toEqual({ status: 200, body: { token: expect.any(String) } });
  expect(app.sessions.get(signedIn.body.token)).toBe(PHONE);
  expect((await verification()).status).toBe('approved');

  const notified = await post('/notify', {}, { authorization: `Bearer ${signedIn.body.token}` });
  expect(notified).toMatchObject({ status: 202, body: { messageSid: expect.stringMatching(/^SM/), status: 'queued' } });
  await twilio().settle();
  // Twilio's status callbacks are form-encoded: `data` holds their fields.
  const callback = await waitForWebhook({ mirror: 'twilio', type: 'message.status', match: (e) => e.data.MessageSid === notified.body.messageSid && e.data.MessageStatus === 'delivered' });
  expect(callback.data).toMatchObject({ To: PHONE, From: '+15555550123', MessageStatus: 'delivered' });

  const delivery = app.deliveries.get(notified.body.messageSid)!;
  expect(delivery).toMatchObject({ to: PHONE, status: 'delivered' });
  expect([...delivery.events].sort()).toEqual(['delivered', 'queued', 'sending', 'sent']);
  expect(app.rejectedCallbacks).toBe(0);
  expect(app.errors).toEqual([]);

  // The code is used up: Twilio answers 20404, the app says so.
  expect(await post('/login/check', { phone: PHONE, code })).toMatchObject({ status: 404, body: { error: expect.stringMatching(/no pending code/i) } });
});

test('a wrong code is refused with the attempts left, and the right one still works', async () => {
  await post('/login/start', { phone: PHONE });
  const { code } = await verification();

  expect(await post('/login/check', { phone: PHONE, code: wrong(code) })).toEqual({ status: 401, body: { error: 'That code is not correct.', attemptsRemaining: 4 } });
  expect(await post('/login/check', { phone: PHONE, code: wrong(code) })).toEqual({ status: 401, body: { error: 'That code is not correct.', attemptsRemaining: 3 } });
  expect(app.sessions.size).toBe(0);
  expect(await verification()).toMatchObject({ status: 'pending', check_attempts: 2 });

  expect((await post('/login/check', { phone: PHONE, code })).status).toBe(200);
  expect((await verification()).status).toBe('approved');
});

test('after 5 wrong codes the verification is locked, even for the right code (60202)', async () => {
  await post('/login/start', { phone: PHONE });
  const { code } = await verification();

  const answers = [];
  for (let i = 0; i < 5; i++) answers.push(await post('/login/check', { phone: PHONE, code: wrong(code) }));
  expect(answers.map((a) => [a.status, a.body.attemptsRemaining])).toEqual([[401, 4], [401, 3], [401, 2], [401, 1], [429, 0]]);
  expect((await verification()).status).toBe('max_attempts_reached');

  // Twilio now answers 429 / 60202 to every check: the right code no longer signs in.
  expect(await post('/login/check', { phone: PHONE, code })).toEqual({ status: 429, body: { error: 'Too many incorrect codes. Request a new code to try again.', attemptsRemaining: 0 } });
  expect(app.sessions.size).toBe(0);
});

test('a status callback with a forged X-Twilio-Signature is refused', async () => {
  const forged = await fetch(`${app.url}/twilio/status`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'bm90IHRoZSByaWdodCBzaWduYXR1cmU=' },
    body: new URLSearchParams({ MessageSid: 'SM00000000000000000000000000000000', MessageStatus: 'delivered' }).toString(),
  });
  expect(forged.status).toBe(403);
  expect(app.rejectedCallbacks).toBe(1);
});
