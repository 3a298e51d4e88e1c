/** Verify v2 through the official SDK: services, start/check, Twilio's send/check limits, expiry, simulate. */
import { afterAll, describe, expect, test } from 'vitest';
import { createSession, restError, stopMirra, type Session } from './harness.js';

afterAll(stopMirra);

const err = (status: number, code: number, message: string) => ({ name: 'RestException', status, code, message, moreInfo: `https://www.twilio.com/docs/errors/${code}` });
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

async function service(s: Session) {
  const [svc] = await s.sdk.verify.v2.services.list();
  return svc;
}

describe('services', () => {
  test('create, fetch, update, list with meta paging, delete', async () => {
    const s = await createSession('empty');
    const raw = await s.http('POST', '/v2/Services', { FriendlyName: 'My App', CodeLength: '8' });
    expect(raw.status).toBe(201);
    const sid = raw.body.sid;
    expect(sid).toMatch(/^VA[0-9a-f]{32}$/);
    expect(raw.body).toMatchObject({
      account_sid: s.accountSid,
      friendly_name: 'My App',
      code_length: 8,
      custom_code_enabled: false,
      date_created: expect.stringMatching(ISO),
      url: `https://verify.twilio.com/v2/Services/${sid}`,
      links: { verifications: `https://verify.twilio.com/v2/Services/${sid}/Verifications`, verification_checks: `https://verify.twilio.com/v2/Services/${sid}/VerificationCheck` },
    });
    const updated = await s.sdk.verify.v2.services(sid).update({ friendlyName: 'Renamed', customCodeEnabled: true });
    expect([updated.friendlyName, updated.customCodeEnabled, updated.codeLength]).toEqual(['Renamed', true, 8]);
    for (let i = 0; i < 2; i++) await s.sdk.verify.v2.services.create({ friendlyName: `S${i}` });
    expect((await s.sdk.verify.v2.services.list({ pageSize: 1 })).map((x) => x.friendlyName)).toEqual(['S1', 'S0', 'Renamed']);
    const page = await s.http('GET', '/v2/Services?PageSize=1');
    expect(page.body.meta).toEqual({
      page: 0,
      page_size: 1,
      first_page_url: 'https://verify.twilio.com/v2/Services?PageSize=1&Page=0',
      previous_page_url: null,
      url: 'https://verify.twilio.com/v2/Services?PageSize=1&Page=0',
      next_page_url: expect.stringMatching(/^https:\/\/verify\.twilio\.com\/v2\/Services\?PageSize=1&Page=1&PageToken=PAVA[0-9a-f]{32}$/),
      key: 'services',
    });
    expect(await s.sdk.verify.v2.services(sid).remove()).toBe(true);
    expect(await restError(s.sdk.verify.v2.services(sid).fetch())).toEqual(err(404, 20404, `The requested resource /Services/${sid} was not found`));
    // The SDK checks required parameters itself; the mirror answers raw requests like Twilio.
    expect((await s.http('POST', '/v2/Services', {})).body).toEqual({
      code: 20001,
      message: 'Missing required parameter FriendlyName in the post body',
      more_info: 'https://www.twilio.com/docs/errors/20001',
      status: 400,
    });
    expect(await restError(s.sdk.verify.v2.services.create({ friendlyName: 'x', codeLength: 3 }))).toEqual(err(400, 60200, 'Invalid parameter: CodeLength'));
  });
});

describe('verifications', () => {
  test('happy path: start (pending, SMS with the code), check the right code → approved; then 404', async () => {
    const s = await createSession('verify-flow');
    const svc = await service(s);
    const v = await s.sdk.verify.v2.services(svc.sid).verifications.create({ to: '+15555550100', channel: 'sms' });
    expect(v.sid).toMatch(/^VE[0-9a-f]{32}$/);
    expect([v.status, v.valid, v.to, v.channel, v.serviceSid, v.accountSid]).toEqual(['pending', false, '+15555550100', 'sms', svc.sid, s.accountSid]);
    expect(v.sendCodeAttempts).toEqual([{ attempt_sid: expect.stringMatching(/^VL[0-9a-f]{32}$/), channel: 'SMS', time: expect.stringMatching(ISO) }]);
    expect(v.url).toBe(`https://verify.twilio.com/v2/Services/${svc.sid}/Verifications/${v.sid}`);

    // The code: in state, and in the SMS body (the Messages API does not list Verify's SMS).
    const state = await s.state();
    const code: string = state.verifications[0].code;
    expect(code).toMatch(/^\d{6}$/);
    expect(state.messages.map((m: any) => [m.to, m.from, m.body, m.source])).toEqual([['+15555550100', '+15005550006', `Your Acme verification code is: ${code}`, 'verify']]);
    expect(await s.sdk.messages.list()).toEqual([]);

    expect((await s.sdk.verify.v2.services(svc.sid).verifications(v.sid).fetch()).status).toBe('pending');
    const check = await s.sdk.verify.v2.services(svc.sid).verificationChecks.create({ to: '+15555550100', code });
    expect([check.sid, check.status, check.valid, check.to, check.channel]).toEqual([v.sid, 'approved', true, '+15555550100', 'sms']);
    expect(await restError(s.sdk.verify.v2.services(svc.sid).verificationChecks.create({ to: '+15555550100', code }))).toEqual(
      err(404, 20404, `The requested resource /Services/${svc.sid}/VerificationCheck was not found`),
    );
    expect(await restError(s.sdk.verify.v2.services(svc.sid).verifications(v.sid).fetch())).toEqual(
      err(404, 20404, `The requested resource /Services/${svc.sid}/Verifications/${v.sid} was not found`),
    );
    await s.settle();
    expect((await s.state()).messages[0].status).toBe('delivered');
  });

  test('wrong codes stay pending; the 5th makes it max_attempts_reached; then 429 / 60202', async () => {
    const s = await createSession('verify-flow');
    const svc = await service(s);
    const v = await s.sdk.verify.v2.services(svc.sid).verifications.create({ to: '+15555550100', channel: 'sms' });
    const code: string = (await s.state()).verifications[0].code;
    const wrong = code === '000000' ? '111111' : '000000';
    const checks = s.sdk.verify.v2.services(svc.sid).verificationChecks;
    const results: string[] = [];
    for (let i = 0; i < 5; i++) results.push((await checks.create({ verificationSid: v.sid, code: wrong })).status);
    expect(results).toEqual(['pending', 'pending', 'pending', 'pending', 'max_attempts_reached']);
    expect(await restError(checks.create({ to: '+15555550100', code }))).toEqual(err(429, 60202, 'Max check attempts reached'));
    expect((await s.state()).verifications[0]).toMatchObject({ status: 'max_attempts_reached', check_attempts: 5, valid: false });
  });

  test('resends reuse the verification and the code; the 6th send is 429 / 60203', async () => {
    const s = await createSession('verify-flow');
    const svc = await service(s);
    const start = () => s.sdk.verify.v2.services(svc.sid).verifications.create({ to: '+15555550100', channel: 'sms' });
    const first = await start();
    for (let i = 0; i < 3; i++) await start();
    const fifth = await start();
    expect(fifth.sid).toBe(first.sid);
    expect(fifth.sendCodeAttempts).toHaveLength(5);
    expect(await restError(start())).toEqual(err(429, 60203, 'Max send attempts reached'));
    const state = await s.state();
    expect(new Set(state.messages.map((m: any) => m.body)).size).toBe(1);
    expect(state.messages).toHaveLength(5);
    // Another number is not affected.
    expect((await s.sdk.verify.v2.services(svc.sid).verifications.create({ to: '+15555550101', channel: 'sms' })).status).toBe('pending');
  });

  test('codes expire after 10 minutes on the session clock: check → 404 20404, and a new start is a new verification', async () => {
    const s = await createSession('verify-flow');
    const svc = await service(s);
    const v = await s.sdk.verify.v2.services(svc.sid).verifications.create({ to: '+15555550100', channel: 'sms' });
    const code: string = (await s.state()).verifications[0].code;
    await s.advance('599s');
    expect((await s.sdk.verify.v2.services(svc.sid).verifications(v.sid).fetch()).status).toBe('pending');
    await s.advance('1s');
    expect((await s.state()).verifications[0].status).toBe('expired');
    expect(await restError(s.sdk.verify.v2.services(svc.sid).verificationChecks.create({ to: '+15555550100', code }))).toEqual(
      err(404, 20404, `The requested resource /Services/${svc.sid}/VerificationCheck was not found`),
    );
    const again = await s.sdk.verify.v2.services(svc.sid).verifications.create({ to: '+15555550100', channel: 'sms' });
    expect(again.sid).not.toBe(v.sid);
  });

  test('channels call and email; cancel; custom codes; invalid input', async () => {
    const s = await createSession('verify-flow');
    const svc = await service(s);
    const vs = s.sdk.verify.v2.services(svc.sid).verifications;
    const call = await vs.create({ to: '+15555550102', channel: 'call' });
    const email = await vs.create({ to: 'alice@example.com', channel: 'email' });
    expect([call.channel, email.channel, email.to]).toEqual(['call', 'email', 'alice@example.com']);
    expect((await s.state()).messages).toEqual([]);
    const canceled = await s.sdk.verify.v2.services(svc.sid).verifications(call.sid).update({ status: 'canceled' });
    expect(canceled.status).toBe('canceled');
    expect(await restError(vs.create({ to: '+15555550100', channel: 'fax' as never }))).toEqual(err(400, 60200, 'Invalid parameter `Channel`: fax'));
    expect(await restError(vs.create({ to: '12', channel: 'sms' }))).toEqual(err(400, 60200, 'Invalid parameter `To`: 12'));
    expect(await restError(vs.create({ to: 'not-an-email', channel: 'email' }))).toEqual(err(400, 60200, 'Invalid parameter `To`: not-an-email'));
    const missingTo = await s.http('POST', `/v2/Services/${svc.sid}/Verifications`, { Channel: 'sms' });
    expect([missingTo.status, missingTo.body.code, missingTo.body.message]).toEqual([400, 20001, 'Missing required parameter To in the post body']);
    const missingChannel = await s.http('POST', `/v2/Services/${svc.sid}/Verifications`, { To: '+15555550100' });
    expect([missingChannel.status, missingChannel.body.code, missingChannel.body.message]).toEqual([400, 20001, 'Missing required parameter Channel in the post body']);
    expect(await restError(vs.create({ to: '+15555550100', channel: 'sms', customCode: '4242' }))).toEqual(
      err(400, 60200, 'Invalid parameter: CustomCode. Custom codes are not enabled for this Service.'),
    );
    await s.sdk.verify.v2.services(svc.sid).update({ customCodeEnabled: true });
    await vs.create({ to: '+15555550103', channel: 'sms', customCode: '4242' });
    expect((await s.sdk.verify.v2.services(svc.sid).verificationChecks.create({ to: '+15555550103', code: '4242' })).status).toBe('approved');
    expect(await restError(s.sdk.verify.v2.services(`VA${'0'.repeat(32)}`).verifications.create({ to: '+15555550100', channel: 'sms' }))).toEqual(
      err(404, 20404, `The requested resource /Services/VA${'0'.repeat(32)}/Verifications was not found`),
    );
    const noTo = await s.http('POST', `/v2/Services/${svc.sid}/VerificationCheck`, { Code: '1' });
    expect([noTo.status, noTo.body.code, noTo.body.message]).toEqual([400, 20001, 'Missing required parameter To in the post body']);
  });

  test('simulate verify.check_failed (a wrong code), verify.approved and verify.expired', async () => {
    const s = await createSession('verify-flow');
    const svc = await service(s);
    const vs = s.sdk.verify.v2.services(svc.sid).verifications;
    const a = await vs.create({ to: '+15555550100', channel: 'sms' });
    const r = await s.admin('POST', '/_mirra/simulate', { event: 'verify.check_failed', sid: a.sid });
    expect(r.result).toMatchObject({ sid: a.sid, status: 'pending', valid: false });
    expect((await s.state()).verifications[0].check_attempts).toBe(1);
    for (let i = 0; i < 4; i++) await s.admin('POST', '/_mirra/simulate', { event: 'verify.check_failed', sid: a.sid });
    expect((await s.state()).verifications[0].status).toBe('max_attempts_reached');
    const blocked = await s.admin('POST', '/_mirra/simulate', { event: 'verify.check_failed', sid: a.sid });
    expect(blocked.error.code).toBe('mirra.simulate.rejected');

    const b = await vs.create({ to: '+15555550101', channel: 'sms' });
    expect((await s.admin('POST', '/_mirra/simulate', { event: 'verify.approved', sid: b.sid })).result).toMatchObject({ status: 'approved', valid: true });
    const c = await vs.create({ to: '+15555550102', channel: 'sms' });
    await s.admin('POST', '/_mirra/simulate', { event: 'verify.expired', sid: c.sid });
    expect((await s.state()).verifications.map((v: any) => v.status)).toEqual(['max_attempts_reached', 'approved', 'expired']);
  });
});
