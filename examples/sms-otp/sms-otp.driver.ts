/**
 * Drives the SMS login scenario: starts the login service against the session's Twilio
 * mirror, then plays the user. Start a login for +15555550100 → read the texted code from
 * the mirror's state (`verifications[].code`, where a real user would read their phone) →
 * mistype it once → enter it → ask for the "You signed in" SMS → try the used code again.
 * The service keeps running until Mirra has settled the session, so the message's status
 * callbacks (queued … delivered) and the signature probe reach `/twilio/status`; `cleanup`
 * stops it afterwards.
 */
import { defineDriver } from 'mirra/vitest';
import { startApp } from './src/app.js';

const PHONE = '+15555550100';
const SENDER = '+15555550123';

interface VerificationRow {
  sid: string;
  to: string;
  status: string;
  code: string;
}

export default defineDriver(async ({ mirrors, log, signal }) => {
  const { url, apiKey, webhookSecret, admin } = mirrors.twilio;
  const seeded = await admin.state();
  const verifyServiceSid = (seeded.verify_services as { sid: string }[] | undefined)?.[0]?.sid;
  if (!verifyServiceSid) throw new Error('The Twilio mirror has no Verify service: seed one (seeds/acme-login.json).');

  const app = await startApp({ accountSid: apiKey, authToken: webhookSecret, apiBase: url, verifyServiceSid, from: SENDER });
  const steps: { step: string; status: number; body: unknown }[] = [];
  async function call(step: string, path: string, body: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${app.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal,
    });
    const text = await response.text();
    const parsed: unknown = text ? JSON.parse(text) : null;
    steps.push({ step, status: response.status, body: parsed });
    log.info(`${step}: POST ${path} → ${response.status} ${text}`);
    return { status: response.status, body: parsed as Record<string, unknown> };
  }

  try {
    await call('start the login', '/login/start', { phone: PHONE });

    const state = await admin.state();
    const verification = (state.verifications as VerificationRow[]).find((v) => v.to === PHONE && v.status === 'pending');
    if (!verification) throw new Error(`No pending verification for ${PHONE} in the mirror's state.`);
    const code = verification.code;
    const typo = code.slice(0, -1) + String((Number(code.at(-1)) + 1) % 10);

    await call('mistype the code', '/login/check', { phone: PHONE, code: typo });
    const signedIn = await call('enter the code', '/login/check', { phone: PHONE, code });
    const token = typeof signedIn.body?.token === 'string' ? signedIn.body.token : undefined;
    if (!token) throw new Error(`The right code did not sign the user in: ${signedIn.status} ${JSON.stringify(signedIn.body)}`);

    await call('send the sign-in SMS', '/notify', {}, { authorization: `Bearer ${token}` });
    await call('reuse the code', '/login/check', { phone: PHONE, code });
  } catch (error) {
    await app.close();
    throw error;
  }
  for (const message of app.errors) log.error(message);

  return {
    // The session token is a secret: the output says one was issued, not what it is.
    output: steps.map((s) => (s.body && typeof s.body === 'object' && 'token' in s.body ? { ...s, body: { token: '<issued>' } } : s)),
    cleanup: () => app.close(),
  };
});
