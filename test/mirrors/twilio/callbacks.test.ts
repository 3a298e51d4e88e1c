/** Status callbacks and inbound webhooks: form-encoded, X-Twilio-Signature, Twilio's timeline, simulate events. */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import twilio from 'twilio';
import { createSession, drain, receiver, restError, stopMirra, VERIFIED, type Received, type Session } from './harness.js';

type Rx = Awaited<ReturnType<typeof receiver>>;
let rx: Rx;
beforeAll(async () => {
  rx = await receiver();
});
afterAll(async () => {
  await rx.close();
  await stopMirra();
});

const statuses = (r: Received[]) => r.map((x) => x.params.MessageStatus);
const clockMs = async (s: Session) => Date.parse((await s.admin('GET', '/_mirra/clock')).now);

describe('status callbacks', () => {
  test('queued → sending → sent → delivered, each POSTed, signed with the auth token over URL + params', async () => {
    rx.received.length = 0;
    const s = await createSession(VERIFIED);
    const callbackUrl = `${rx.url}/twilio/status?tenant=acme`;
    const m = await s.sdk.messages.create({ to: '+15555550100', from: '+15555550123', body: 'Your code is ready', statusCallback: callbackUrl });
    await drain(s);
    // queued (on create) and sending (immediately after) are already out; sent and delivered wait for the clock.
    expect(statuses(rx.received).sort()).toEqual(['queued', 'sending']);
    const t0 = await clockMs(s);
    await s.advance('1s');
    await drain(s);
    expect(statuses(rx.received).slice(2)).toEqual(['sent']);
    expect((await s.sdk.messages(m.sid).fetch()).status).toBe('sent');
    await s.advance('3s');
    await drain(s);
    expect(statuses(rx.received).slice(2)).toEqual(['sent', 'delivered']);
    expect((await clockMs(s)) - t0).toBe(4000);

    for (const r of rx.received) {
      expect(r.path).toBe('/twilio/status?tenant=acme');
      expect(r.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(r.headers['user-agent']).toBe('TwilioProxy/1.1');
      expect(r.params).toEqual({
        SmsSid: m.sid,
        SmsStatus: r.params.MessageStatus,
        MessageStatus: r.params.MessageStatus,
        To: '+15555550100',
        MessageSid: m.sid,
        AccountSid: s.accountSid,
        From: '+15555550123',
        ApiVersion: '2010-04-01',
      });
      const signature = String(r.headers['x-twilio-signature']);
      expect(signature).toMatch(/^[A-Za-z0-9+/]{27}=$/);
      expect(twilio.validateRequest(s.authToken, signature, callbackUrl, r.params)).toBe(true);
      // Tampered parameters, another URL or another token fail.
      expect(twilio.validateRequest(s.authToken, signature, callbackUrl, { ...r.params, MessageStatus: 'failed' })).toBe(false);
      expect(twilio.validateRequest(s.authToken, signature, `${rx.url}/twilio/status?tenant=evil`, r.params)).toBe(false);
      expect(twilio.validateRequest('0'.repeat(32), signature, callbackUrl, r.params)).toBe(false);
    }

    // The engine recorded one delivery per transition, in order, with the signature it sent.
    const { deliveries } = await s.admin('GET', '/_mirra/webhooks/deliveries');
    expect(deliveries.map((d: any) => [d.eventType, new URLSearchParams(d.body).get('MessageStatus'), d.status, d.url])).toEqual([
      ['message.status', 'queued', 'succeeded', callbackUrl],
      ['message.status', 'sending', 'succeeded', callbackUrl],
      ['message.status', 'sent', 'succeeded', callbackUrl],
      ['message.status', 'delivered', 'succeeded', callbackUrl],
    ]);
  });

  test('settings change the timeline; a failing receiver is not retried (one attempt, recorded)', async () => {
    const failing = await receiver(() => 500);
    try {
      const s = await createSession({
        data: { mirror: 'twilio', settings: { sentDelaySeconds: 5, deliveredDelaySeconds: 10 }, records: { incoming_phone_numbers: [{ id: 'PN11111111111111111111111111111111', phone_number: '+15555550123' }] } },
      });
      const m = await s.sdk.messages.create({ to: '+15555550100', from: '+15555550123', body: 'x', statusCallback: `${failing.url}/cb` });
      await s.advance('4s');
      expect((await s.sdk.messages(m.sid).fetch()).status).toBe('sending');
      await s.advance('1s');
      expect((await s.sdk.messages(m.sid).fetch()).status).toBe('sent');
      await s.advance('10s');
      await drain(s);
      expect((await s.sdk.messages(m.sid).fetch()).status).toBe('delivered');
      expect(failing.received.map((r) => r.params.MessageStatus).sort()).toEqual(['delivered', 'queued', 'sending', 'sent']);
      const { deliveries } = await s.admin('GET', '/_mirra/webhooks/deliveries');
      expect(deliveries.map((d: any) => [d.status, d.attempts, d.lastStatus])).toEqual(Array(4).fill(['failed', 1, 500]));
    } finally {
      await failing.close();
    }
  });

  test("a messaging service's StatusCallback applies when the message has none: accepted, queued, ...", async () => {
    rx.received.length = 0;
    const s = await createSession('messaging-service');
    const [svc] = await s.sdk.messaging.v1.services.list();
    await s.sdk.messaging.v1.services(svc.sid).update({ statusCallback: `${rx.url}/svc` });
    const m = await s.sdk.messages.create({ to: '+15555550100', messagingServiceSid: svc.sid, body: 'x' });
    await s.settle();
    expect(rx.received.map((r) => [r.path, r.params.MessageStatus, r.params.From, r.params.MessagingServiceSid])).toEqual([
      ['/svc', 'accepted', '', svc.sid],
      ['/svc', 'queued', '+15555550130', svc.sid],
      ['/svc', 'sending', '+15555550130', svc.sid],
      ['/svc', 'sent', '+15555550130', svc.sid],
      ['/svc', 'delivered', '+15555550130', svc.sid],
    ]);
    expect(rx.received.every((r) => r.params.MessageSid === m.sid)).toBe(true);
  });

  test('deliveryOutcomes setting: a recipient ends undelivered with 30003', async () => {
    rx.received.length = 0;
    const s = await createSession({
      data: {
        mirror: 'twilio',
        settings: { deliveryOutcomes: { '+15555550199': { status: 'undelivered', errorCode: 30003 } } },
        records: { incoming_phone_numbers: [{ id: 'PN11111111111111111111111111111111', phone_number: '+15555550123' }] },
      },
    });
    const m = await s.sdk.messages.create({ to: '+15555550199', from: '+15555550123', body: 'x', statusCallback: `${rx.url}/o` });
    await s.settle();
    const f = await s.sdk.messages(m.sid).fetch();
    expect([f.status, f.errorCode, f.errorMessage]).toEqual(['undelivered', 30003, 'Unreachable destination handset']);
    expect(rx.received.at(-1)!.params).toMatchObject({ MessageStatus: 'undelivered', ErrorCode: '30003' });
  });
});

describe('simulate', () => {
  test('message.failed: status failed, ErrorCode set, callback; stale timers do nothing', async () => {
    rx.received.length = 0;
    const s = await createSession(VERIFIED);
    const m = await s.sdk.messages.create({ to: '+15555550100', from: '+15555550123', body: 'x', statusCallback: `${rx.url}/f` });
    await drain(s);
    const r = await s.admin('POST', '/_mirra/simulate', { event: 'message.failed', messageId: m.sid, errorCode: 30003 });
    expect(r.result).toMatchObject({ sid: m.sid, status: 'failed', error_code: 30003, error_message: 'Unreachable destination handset', price: null });
    await s.settle();
    expect((await s.sdk.messages(m.sid).fetch()).status).toBe('failed');
    expect(statuses(rx.received).sort()).toEqual(['failed', 'queued', 'sending']);
    const failed = rx.received.find((x) => x.params.MessageStatus === 'failed')!;
    expect(failed.params.ErrorCode).toBe('30003');
    expect(twilio.validateRequest(s.authToken, String(failed.headers['x-twilio-signature']), `${rx.url}/f`, failed.params)).toBe(true);

    const again = await s.admin('POST', '/_mirra/simulate', { event: 'message.failed', messageId: m.sid });
    expect(again.error.code).toBe('mirra.simulate.rejected');
  });

  test('message.undelivered (default 30003) and message.delivered', async () => {
    const s = await createSession(VERIFIED);
    const a = await s.sdk.messages.create({ to: '+15555550100', from: '+15555550123', body: 'a' });
    const b = await s.sdk.messages.create({ to: '+15555550100', from: '+15555550123', body: 'b' });
    expect((await s.admin('POST', '/_mirra/simulate', { event: 'message.undelivered', messageId: a.sid })).result).toMatchObject({ status: 'undelivered', error_code: 30003 });
    expect((await s.admin('POST', '/_mirra/simulate', { event: 'message.delivered', messageId: b.sid })).result).toMatchObject({ status: 'delivered', price: '-0.00790' });
    await s.settle();
    expect((await s.sdk.messages(a.sid).fetch()).status).toBe('undelivered');
    expect((await s.sdk.messages(b.sid).fetch()).status).toBe('delivered');
    const unknown = await s.admin('POST', '/_mirra/simulate', { event: 'message.failed', messageId: 'SM00000000000000000000000000000000' });
    expect(unknown.error.code).toBe('mirra.simulate.rejected');
  });

  test("incoming.message: stored as received and POSTed, signed, to the number's SmsUrl", async () => {
    rx.received.length = 0;
    const s = await createSession(VERIFIED);
    const [num] = await s.sdk.incomingPhoneNumbers.list({ phoneNumber: '+15555550123' });
    await s.sdk.incomingPhoneNumbers(num.sid).update({ smsUrl: `${rx.url}/sms/inbound` });
    const r = await s.admin('POST', '/_mirra/simulate', { event: 'incoming.message', to: '+15555550123', from: '+15555550100', body: 'STOP' });
    expect(r.result.webhookUrl).toBe(`${rx.url}/sms/inbound`);
    await drain(s);
    expect(rx.received).toHaveLength(1);
    const got = rx.received[0];
    expect(got.params).toMatchObject({ To: '+15555550123', From: '+15555550100', Body: 'STOP', SmsStatus: 'received', NumMedia: '0', NumSegments: '1', AccountSid: s.accountSid, ApiVersion: '2010-04-01' });
    expect(got.params.MessageSid).toBe(r.result.message.sid);
    expect(twilio.validateRequest(s.authToken, String(got.headers['x-twilio-signature']), `${rx.url}/sms/inbound`, got.params)).toBe(true);
    const listed = await s.sdk.messages.list({ to: '+15555550123' });
    expect(listed.map((m) => [m.direction, m.status, m.body])).toEqual([['inbound', 'received', 'STOP']]);
    const notOurs = await s.admin('POST', '/_mirra/simulate', { event: 'incoming.message', to: '+15555550999', from: '+15555550100', body: 'x' });
    expect(notOurs.error.code).toBe('mirra.simulate.rejected');
  });

  test('bad simulate input is a vendor-shaped rejection, never a 500', async () => {
    const s = await createSession(VERIFIED);
    for (const body of [{ event: 'message.failed' }, { event: 'message.failed', messageId: 42 }, { event: 'message.failed', messageId: 'SMx', errorCode: 'abc' }, { event: 'incoming.message' }, { event: 'verify.check_failed' }]) {
      const r = await s.admin('POST', '/_mirra/simulate', body);
      expect(r.error.code).toBe('mirra.simulate.rejected');
    }
    expect((await s.admin('POST', '/_mirra/simulate', { event: 'message.exploded' })).error.code).toBe('mirra.simulate.unknown_event');
    void restError;
  });
});
