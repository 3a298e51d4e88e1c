/** Webhooks end to end: Svix-signed deliveries to a local receiver, test recipients, simulate, reset. */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Webhook } from 'svix';
import { createSession, receiver, stopMirra, types, MAIL_ACME_SEED, type Session } from './harness.js';

type Rx = Awaited<ReturnType<typeof receiver>>;
let rx: Rx;
beforeAll(async () => {
  rx = await receiver();
});
afterAll(async () => {
  await rx.close();
  await stopMirra();
});

async function withEndpoint(s: Session, events: string[]): Promise<{ id: string; secret: string }> {
  const { data, error } = await s.sdk.webhooks.create({ endpoint: rx.url, events: events as never });
  expect(error).toBeNull();
  return { id: data!.id, secret: data!.signing_secret };
}

/** Wait for attempts in flight without moving the clock. */
const drain = (s: Session) => s.admin('POST', '/_mirra/settle', { horizon: '0s' });

const svixHeaders = (h: Record<string, unknown>) => ({ 'svix-id': String(h['svix-id']), 'svix-timestamp': String(h['svix-timestamp']), 'svix-signature': String(h['svix-signature']) });

describe('welcome email flow', () => {
  test('email.sent then email.delivered, both Svix-signed, in order; last_event delivered', async () => {
    rx.received.length = 0;
    const s = await createSession(MAIL_ACME_SEED);
    const { secret } = await withEndpoint(s, ['email.sent', 'email.delivered']);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{32,}$/);
    const { data } = await s.sdk.emails.send({ from: 'hello@mail.acme.com', to: 'alice@example.com', subject: 'Welcome!', html: '<p>Hi Alice</p>' });
    await drain(s);
    expect(types(rx.received)).toEqual(['email.sent']);
    await s.settle();
    expect(types(rx.received)).toEqual(['email.sent', 'email.delivered']);

    const wh = new Webhook(secret);
    for (const r of rx.received) {
      const payload = wh.verify(r.body, svixHeaders(r.headers)) as any;
      expect(r.headers['svix-id']).toMatch(/^msg_[A-Za-z0-9]+$/);
      expect(r.headers['svix-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
      expect(r.headers['content-type']).toBe('application/json');
      expect(payload.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(payload.data).toEqual({
        created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/),
        email_id: data!.id,
        from: 'hello@mail.acme.com',
        to: ['alice@example.com'],
        subject: 'Welcome!',
        message_id: `<${data!.id}@mail.acme.com>`,
      });
      // The SDK's own verifier (standardwebhooks) agrees.
      const viaSdk = s.sdk.webhooks.verify({
        payload: r.body,
        headers: { id: String(r.headers['svix-id']), timestamp: String(r.headers['svix-timestamp']), signature: String(r.headers['svix-signature']) },
        webhookSecret: secret,
      });
      expect(viaSdk).toEqual(payload);
    }
    const [sent, delivered] = rx.received.map((r) => Date.parse(JSON.parse(r.body).created_at));
    expect(delivered - sent).toBe(3000); // deliveryDelaySeconds on the session clock
    expect((await s.sdk.emails.get(data!.id)).data!.last_event).toBe('delivered');

    // Tampered body and a wrong secret fail verification.
    const tampered = rx.received[0].body.replace('Welcome!', 'Welcome?');
    expect(() => wh.verify(tampered, svixHeaders(rx.received[0].headers))).toThrow();
    expect(() => new Webhook('whsec_' + Buffer.from('another secret key!!').toString('base64')).verify(rx.received[0].body, svixHeaders(rx.received[0].headers))).toThrow();
  });

  test('a delivery re-signed with an old timestamp, or with a shifted timestamp header, fails verification', async () => {
    rx.received.length = 0;
    const s = await createSession(MAIL_ACME_SEED);
    const { secret } = await withEndpoint(s, ['email.sent']);
    await s.sdk.emails.send({ from: 'hello@mail.acme.com', to: 'alice@example.com', subject: 'x', html: 'x' });
    await s.settle();
    expect(rx.received).toHaveLength(1);
    const r = rx.received[0];
    const wh = new Webhook(secret);
    // The genuine delivery is signed with the current (wall-clock) time and verifies.
    expect(Math.abs(Number(r.headers['svix-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    expect(() => wh.verify(r.body, svixHeaders(r.headers))).not.toThrow();
    const old = new Date(Date.now() - 10 * 60_000);
    const oldSignature = wh.sign(String(r.headers['svix-id']), old, r.body);
    const oldHeaders = { ...svixHeaders(r.headers), 'svix-timestamp': String(Math.floor(old.getTime() / 1000)), 'svix-signature': oldSignature };
    expect(() => wh.verify(r.body, oldHeaders)).toThrow(/too old/i);
    const shifted = { ...svixHeaders(r.headers), 'svix-timestamp': String(Number(r.headers['svix-timestamp']) - 1) };
    expect(() => wh.verify(r.body, shifted)).toThrow();
  });

  test('failed deliveries are retried on the Svix schedule (5 s, then 5 min)', async () => {
    let answer = 500;
    const flaky = await receiver(() => answer);
    const s = await createSession(MAIL_ACME_SEED);
    await s.sdk.webhooks.create({ endpoint: flaky.url, events: ['email.sent'] });
    await s.sdk.emails.send({ from: 'hello@mail.acme.com', to: 'alice@example.com', subject: 'x', html: 'x' });
    await drain(s);
    await s.admin('POST', '/_mirra/clock', { advance: '5s' });
    await drain(s);
    answer = 200;
    await s.admin('POST', '/_mirra/clock', { advance: '5m' });
    await drain(s);
    const { deliveries } = await s.admin('GET', '/_mirra/webhooks/deliveries');
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0].status).toBe('succeeded');
    const stamps = deliveries[0].attemptLog.map((a: { at: string }) => Date.parse(a.at) / 1000);
    expect(deliveries[0].attemptLog.map((a: { statusCode: number }) => a.statusCode)).toEqual([500, 500, 200]);
    expect(flaky.received).toHaveLength(3);
    expect(flaky.received.map((r) => JSON.parse(r.body).type)).toEqual(['email.sent', 'email.sent', 'email.sent']);
    expect(stamps[1] - stamps[0]).toBe(5);
    expect(stamps[2] - stamps[1]).toBe(300);
    expect(new Set(flaky.received.map((r) => r.headers['svix-id'])).size).toBe(1);
    await flaky.close();
  });
});

describe('test recipients', () => {
  test('bounced@, complained+label@, delivered@ and suppressed@resend.dev', async () => {
    rx.received.length = 0;
    const s = await createSession();
    await withEndpoint(s, ['email.sent', 'email.delivered', 'email.bounced', 'email.complained', 'email.suppressed']);
    const send = async (to: string) => (await s.sdk.emails.send({ from: 'Acme <onboarding@resend.dev>', to, subject: to, html: 'x' })).data!.id;
    const bounced = await send('bounced@resend.dev');
    const complained = await send('complained+signup@resend.dev');
    const delivered = await send('delivered@resend.dev');
    const suppressed = await send('suppressed@resend.dev');
    await s.settle();
    const last = async (id: string) => (await s.sdk.emails.get(id)).data!.last_event;
    expect(await last(bounced)).toBe('bounced');
    expect(await last(complained)).toBe('complained');
    expect(await last(delivered)).toBe('delivered');
    expect(await last(suppressed)).toBe('suppressed');
    const byEmail = (id: string) => rx.received.map((r) => JSON.parse(r.body)).filter((p) => p.data.email_id === id);
    expect(byEmail(bounced).map((p) => p.type)).toEqual(['email.sent', 'email.bounced']);
    expect(byEmail(bounced)[1].data.bounce).toEqual({
      message:
        "The recipient's email provider sent a hard bounce message, but didn't specify the reason for the hard bounce. We recommend removing the recipient's email address from your mailing list. Sending messages to addresses that produce hard bounces can have a negative impact on your reputation as a sender.",
      subType: 'General',
      type: 'Permanent',
    });
    expect(byEmail(complained).map((p) => p.type)).toEqual(['email.sent', 'email.delivered', 'email.complained']);
    expect(byEmail(delivered).map((p) => p.type)).toEqual(['email.sent', 'email.delivered']);
    expect(byEmail(suppressed).map((p) => p.type)).toEqual(['email.sent', 'email.suppressed']);
  });
});

describe('simulate', () => {
  test('email events change last_event and emit their webhooks', async () => {
    rx.received.length = 0;
    const s = await createSession(MAIL_ACME_SEED);
    await withEndpoint(s, ['email.opened', 'email.clicked', 'email.bounced', 'email.delivery_delayed', 'email.failed', 'email.complained', 'email.delivered']);
    const send = async () => (await s.sdk.emails.send({ from: 'hello@mail.acme.com', to: 'alice@example.com', subject: 'x', html: 'x' })).data!.id;
    const a = await send();
    await s.settle();
    expect(await s.admin('POST', '/_mirra/simulate', { event: 'email.opened', emailId: a })).toMatchObject({ event: 'email.opened', result: { emailId: a, last_event: 'opened' } });
    await s.admin('POST', '/_mirra/simulate', { event: 'email.clicked', emailId: a, link: 'https://acme.com/start' });
    await s.admin('POST', '/_mirra/simulate', { event: 'email.complained', emailId: a });
    expect((await s.sdk.emails.get(a)).data!.last_event).toBe('complained');

    const b = await send();
    const bounced = await s.admin('POST', '/_mirra/simulate', { event: 'email.bounced', emailId: b, bounce: { type: 'hard', reason: 'user not found' } });
    expect(bounced.result).toEqual({ emailId: b, last_event: 'bounced' });
    await s.settle(); // the pending delivery timer was cancelled by the bounce
    expect((await s.sdk.emails.get(b)).data!.last_event).toBe('bounced');

    const c = await send();
    await s.admin('POST', '/_mirra/simulate', { event: 'email.delivery_delayed', emailId: c, delaySeconds: 60 });
    expect((await s.sdk.emails.get(c)).data!.last_event).toBe('delivery_delayed');
    await s.settle();
    expect((await s.sdk.emails.get(c)).data!.last_event).toBe('delivered');

    const d = await send();
    await s.admin('POST', '/_mirra/simulate', { event: 'email.failed', emailId: d, reason: 'invalid_recipient' });
    await s.settle();
    const payloads = rx.received.map((r) => JSON.parse(r.body));
    expect(payloads.filter((p) => p.data.email_id === a).map((p) => p.type)).toEqual(['email.delivered', 'email.opened', 'email.clicked', 'email.complained']);
    expect(payloads.find((p) => p.type === 'email.clicked').data.click).toEqual({
      ipAddress: '203.0.113.7',
      link: 'https://acme.com/start',
      timestamp: expect.stringMatching(/Z$/),
      userAgent: expect.stringContaining('Mozilla/5.0'),
    });
    expect(payloads.find((p) => p.type === 'email.bounced').data.bounce).toEqual({ message: 'user not found', subType: 'General', type: 'Permanent' });
    expect(payloads.filter((p) => p.data.email_id === c).map((p) => p.type)).toEqual(['email.delivery_delayed', 'email.delivered']);
    expect(payloads.find((p) => p.type === 'email.failed').data.failed).toEqual({ reason: 'invalid_recipient' });
  });

  test('domain.verified / domain.failed update the domain and emit domain.updated', async () => {
    rx.received.length = 0;
    const s = await createSession();
    await withEndpoint(s, ['domain.created', 'domain.updated']);
    const d = (await s.sdk.domains.create({ name: 'mail.acme.com' })).data!;
    const v = await s.admin('POST', '/_mirra/simulate', { event: 'domain.verified', domainId: d.id });
    expect(v.result).toEqual({ domainId: d.id, status: 'verified' });
    const got = (await s.sdk.domains.get(d.id)).data!;
    expect(got.status).toBe('verified');
    expect(got.records.every((r) => r.status === 'verified')).toBe(true);
    expect((await s.sdk.emails.send({ from: 'hello@mail.acme.com', to: 'alice@example.com', subject: 'x', html: 'x' })).error).toBeNull();
    await s.admin('POST', '/_mirra/simulate', { event: 'domain.failed', domainId: d.id });
    expect((await s.sdk.domains.get(d.id)).data!.status).toBe('failed');
    await s.settle();
    const payloads = rx.received.map((r) => JSON.parse(r.body));
    expect(payloads.map((p) => [p.type, p.data.status])).toEqual([
      ['domain.created', 'not_started'],
      ['domain.updated', 'verified'],
      ['domain.updated', 'failed'],
    ]);
    expect(payloads[0].data).toMatchObject({ id: d.id, name: 'mail.acme.com', region: 'us-east-1' });
  });

  test('unknown ids and missing fields are rejected with the vendor error inside', async () => {
    const s = await createSession(MAIL_ACME_SEED);
    const r = await s.http('POST', '/_mirra/simulate', { event: 'email.bounced', emailId: '0c2f6c8e-2f0a-4d4e-9d4c-6b7f2a1e9a11' });
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('mirra.simulate.rejected');
    expect(r.body.error.vendorError).toEqual({ statusCode: 404, name: 'not_found', message: 'Email not found' });
    const m = await s.http('POST', '/_mirra/simulate', { event: 'domain.verified' });
    expect(m.status).toBe(422);
    expect(m.body.error.vendorError).toEqual({ statusCode: 422, name: 'missing_required_field', message: 'Missing `domainId` field.' });
    const u = await s.http('POST', '/_mirra/simulate', { event: 'email.bouncd', emailId: 'x' });
    expect(u.body.error.code).toBe('mirra.simulate.unknown_event');
    expect(u.body.error.message).toContain("Did you mean 'email.bounced'?");
  });
});

describe('domain verification on the clock and contact events', () => {
  test('verify → pending → verified after domainVerificationSeconds; contact.* events', async () => {
    rx.received.length = 0;
    const s = await createSession();
    await withEndpoint(s, ['domain.updated', 'contact.created', 'contact.updated', 'contact.deleted']);
    const d = (await s.sdk.domains.create({ name: 'news.acme.com' })).data!;
    expect((await s.sdk.domains.verify(d.id)).data).toEqual({ object: 'domain', id: d.id });
    expect((await s.sdk.domains.get(d.id)).data!.status).toBe('pending');
    await s.settle();
    expect((await s.sdk.domains.get(d.id)).data!.status).toBe('verified');
    const c = (await s.sdk.contacts.create({ email: 'zoe@example.com', firstName: 'Zoe' })).data!;
    await s.sdk.contacts.update({ email: 'zoe@example.com', lastName: 'Zhang' });
    await s.sdk.contacts.remove(c.id);
    await s.settle();
    const payloads = rx.received.map((r) => JSON.parse(r.body));
    expect(payloads.map((p) => p.type)).toEqual(['domain.updated', 'domain.updated', 'contact.created', 'contact.updated', 'contact.deleted']);
    expect(payloads.slice(0, 2).map((p) => p.data.status)).toEqual(['pending', 'verified']);
    expect(payloads[3].data).toMatchObject({ id: c.id, email: 'zoe@example.com', first_name: 'Zoe', last_name: 'Zhang', unsubscribed: false, segment_ids: [] });
  });
});

describe('reset', () => {
  test('back to the fixture: sent emails and registered endpoints are gone', async () => {
    const s = await createSession('transactional-busy');
    expect((await s.state()).emails).toHaveLength(100);
    await withEndpoint(s, ['email.sent']);
    await s.sdk.emails.send({ from: 'hello@mail.acme.com', to: 'alice@example.com', subject: 'x', html: 'x' });
    expect((await s.state()).emails).toHaveLength(101);
    await s.admin('POST', '/_mirra/state/reset', {});
    const state = await s.state();
    expect(state.emails).toHaveLength(100);
    expect(state._webhook_endpoints).toEqual([]);
    expect(state.domains.map((d) => [d.name, d.status])).toEqual([['mail.acme.com', 'verified']]);
  });
});
