/** Phone numbers (search, provision, configure, release) and Messaging Services with their sender pool. */
import { afterAll, describe, expect, test } from 'vitest';
import { createSession, restError, stopMirra, VERIFIED } from './harness.js';

afterAll(stopMirra);

const err = (status: number, code: number, message: string) => ({ name: 'RestException', status, code, message, moreInfo: `https://www.twilio.com/docs/errors/${code}` });

describe('phone numbers', () => {
  test('search local numbers, buy one, send from it, configure SmsUrl, release it', async () => {
    const s = await createSession('empty');
    const found = await s.sdk.availablePhoneNumbers('US').local.list({ areaCode: 415, smsEnabled: true, limit: 3 });
    expect(found).toHaveLength(3);
    expect(found.map((n) => n.phoneNumber)).toEqual(['+14155501000', '+14155511037', '+14155521074']);
    expect(found[0]).toMatchObject({ friendlyName: '(415) 550-1000', locality: 'San Francisco', region: 'CA', isoCountry: 'US', capabilities: { voice: true, SMS: true, MMS: true, fax: false } });

    const before = await restError(s.sdk.messages.create({ to: '+15555550100', from: found[0].phoneNumber, body: 'x' }));
    expect(before.code).toBe(21606);
    const bought = await s.sdk.incomingPhoneNumbers.create({ phoneNumber: found[0].phoneNumber, friendlyName: 'Support line' });
    expect(bought.sid).toMatch(/^PN[0-9a-f]{32}$/);
    expect([bought.phoneNumber, bought.friendlyName, bought.smsUrl, bought.smsMethod, bought.status]).toEqual(['+14155501000', 'Support line', '', 'POST', 'in-use']);
    expect(bought.capabilities).toEqual({ voice: true, sms: true, mms: true, fax: false });
    expect(bought.uri).toBe(`/2010-04-01/Accounts/${s.accountSid}/IncomingPhoneNumbers/${bought.sid}.json`);
    expect((await s.sdk.messages.create({ to: '+15555550100', from: bought.phoneNumber, body: 'x' })).status).toBe('queued');

    // Bought numbers leave the search results; buying one twice is refused.
    expect((await s.sdk.availablePhoneNumbers('US').local.list({ areaCode: 415, limit: 1 }))[0].phoneNumber).toBe('+14155511037');
    expect(await restError(s.sdk.incomingPhoneNumbers.create({ phoneNumber: found[0].phoneNumber }))).toEqual(err(400, 21422, 'PhoneNumber requested is not available'));

    const updated = await s.sdk.incomingPhoneNumbers(bought.sid).update({ smsUrl: 'https://app.example.com/sms', smsMethod: 'GET' });
    expect([updated.smsUrl, updated.smsMethod]).toEqual(['https://app.example.com/sms', 'GET']);
    expect(await restError(s.sdk.incomingPhoneNumbers(bought.sid).update({ smsUrl: 'nope' }))).toEqual(err(400, 21502, 'Invalid SmsUrl URL: nope'));
    expect((await s.sdk.incomingPhoneNumbers.list()).map((n) => n.sid)).toEqual([bought.sid]);
    expect((await s.sdk.incomingPhoneNumbers.list({ phoneNumber: '+14155501000' })).map((n) => n.sid)).toEqual([bought.sid]);
    expect(await s.sdk.incomingPhoneNumbers.list({ phoneNumber: '+19999999999' })).toEqual([]);

    expect(await s.sdk.incomingPhoneNumbers(bought.sid).remove()).toBe(true);
    expect(await restError(s.sdk.incomingPhoneNumbers(bought.sid).fetch())).toEqual(
      err(404, 20404, `The requested resource /2010-04-01/Accounts/${s.accountSid}/IncomingPhoneNumbers/${bought.sid}.json was not found`),
    );
    expect((await restError(s.sdk.messages.create({ to: '+15555550100', from: '+14155501000', body: 'x' }))).code).toBe(21606);
  });

  test('buy by area code, toll-free and mobile searches, Contains, invalid input', async () => {
    const s = await createSession('empty');
    const byArea = await s.sdk.incomingPhoneNumbers.create({ areaCode: '212' });
    expect(byArea.phoneNumber).toMatch(/^\+1212\d{7}$/);
    const tollFree = await s.sdk.availablePhoneNumbers('US').tollFree.list({ limit: 2 });
    expect(tollFree.map((n) => n.phoneNumber.slice(0, 5))).toEqual(['+1833', '+1833']);
    const mobile = await s.sdk.availablePhoneNumbers('US').mobile.list({ mmsEnabled: true, limit: 2 });
    expect(mobile).toEqual([]);
    const contains = await s.sdk.availablePhoneNumbers('US').local.list({ areaCode: 415, contains: '1037', limit: 5 });
    expect(contains.map((n) => n.phoneNumber)).toEqual(['+14155511037']);
    expect((await restError(s.sdk.availablePhoneNumbers('US').local.list({ areaCode: 41 })))).toEqual(err(400, 21452, 'AreaCode 41 is invalid'));
    expect((await restError(s.sdk.availablePhoneNumbers('ZZ').local.list())).code).toBe(20404);
    expect(await restError(s.sdk.incomingPhoneNumbers.create({ phoneNumber: 'abc' }))).toEqual(err(400, 21421, 'PhoneNumber is invalid'));
    const none = await s.http('POST', `/2010-04-01/Accounts/${s.accountSid}/IncomingPhoneNumbers.json`, {});
    expect(none.body).toEqual({ code: 21450, message: 'PhoneNumber or AreaCode is required', more_info: 'https://www.twilio.com/docs/errors/21450', status: 400 });
  });
});

describe('messaging services', () => {
  test('create, fetch, update, list, delete', async () => {
    const s = await createSession(VERIFIED);
    const raw = await s.http('POST', '/v1/Services', { FriendlyName: 'Alerts', StatusCallback: 'https://app.example.com/status', Usecase: 'notifications' });
    expect(raw.status).toBe(201);
    const sid = raw.body.sid;
    expect(sid).toMatch(/^MG[0-9a-f]{32}$/);
    expect(raw.body).toMatchObject({
      account_sid: s.accountSid,
      friendly_name: 'Alerts',
      status_callback: 'https://app.example.com/status',
      usecase: 'notifications',
      sticky_sender: true,
      url: `https://messaging.twilio.com/v1/Services/${sid}`,
      links: { phone_numbers: `https://messaging.twilio.com/v1/Services/${sid}/PhoneNumbers` },
    });
    const svc = await s.sdk.messaging.v1.services(sid).update({ friendlyName: 'Alerts 2', stickySender: false, validityPeriod: 600 });
    expect([svc.friendlyName, svc.stickySender, svc.validityPeriod]).toEqual(['Alerts 2', false, 600]);
    expect((await s.sdk.messaging.v1.services(sid).fetch()).friendlyName).toBe('Alerts 2');
    expect((await s.sdk.messaging.v1.services.list()).map((x) => x.sid)).toEqual([sid]);
    expect(await restError(s.sdk.messaging.v1.services(sid).update({ validityPeriod: 0 }))).toEqual(err(400, 20001, 'ValidityPeriod must be between 1 and 36000 seconds'));
    expect((await s.http('POST', '/v1/Services', {})).body.message).toBe('Missing required parameter FriendlyName in the post body');
    expect(await s.sdk.messaging.v1.services(sid).remove()).toBe(true);
    expect(await restError(s.sdk.messaging.v1.services(sid).fetch())).toEqual(err(404, 20404, `The requested resource /Services/${sid} was not found`));
  });

  test('sender pool: add, list, fetch, remove; one service per number', async () => {
    const s = await createSession(VERIFIED);
    const [a, b] = await s.sdk.incomingPhoneNumbers.list();
    const svc = await s.sdk.messaging.v1.services.create({ friendlyName: 'Pool' });
    const other = await s.sdk.messaging.v1.services.create({ friendlyName: 'Other' });
    const added = await s.sdk.messaging.v1.services(svc.sid).phoneNumbers.create({ phoneNumberSid: a.sid });
    expect(added.toJSON()).toMatchObject({ sid: a.sid, serviceSid: svc.sid, phoneNumber: a.phoneNumber, countryCode: 'US', capabilities: ['MMS', 'SMS', 'Voice'], url: `https://messaging.twilio.com/v1/Services/${svc.sid}/PhoneNumbers/${a.sid}` });
    await s.sdk.messaging.v1.services(svc.sid).phoneNumbers.create({ phoneNumberSid: b.sid });
    expect((await s.sdk.messaging.v1.services(svc.sid).phoneNumbers.list()).map((n) => n.phoneNumber).sort()).toEqual(['+15555550123', '+15555550124']);
    expect((await s.sdk.messaging.v1.services(svc.sid).phoneNumbers(a.sid).fetch()).phoneNumber).toBe(a.phoneNumber);
    expect(await restError(s.sdk.messaging.v1.services(other.sid).phoneNumbers.create({ phoneNumberSid: a.sid }))).toEqual(
      err(409, 21712, `Phone Number is already associated with another Messaging Service (${svc.sid}).`),
    );
    expect(await restError(s.sdk.messaging.v1.services(svc.sid).phoneNumbers.create({ phoneNumberSid: `PN${'0'.repeat(32)}` }))).toEqual(
      err(400, 21711, `The PhoneNumberSid PN${'0'.repeat(32)} is invalid or does not belong to this account.`),
    );
    expect(await s.sdk.messaging.v1.services(svc.sid).phoneNumbers(a.sid).remove()).toBe(true);
    expect((await s.sdk.messaging.v1.services(svc.sid).phoneNumbers.list()).map((n) => n.sid)).toEqual([b.sid]);
    expect((await restError(s.sdk.messaging.v1.services(svc.sid).phoneNumbers(a.sid).fetch())).code).toBe(20404);
  });

  test('the messaging-service fixture: 5 numbers in the pool', async () => {
    const s = await createSession('messaging-service');
    const [svc] = await s.sdk.messaging.v1.services.list();
    expect(svc.friendlyName).toBe('Acme Notifications');
    expect((await s.sdk.messaging.v1.services(svc.sid).phoneNumbers.list()).map((n) => n.phoneNumber).sort()).toEqual([
      '+15555550130',
      '+15555550131',
      '+15555550132',
      '+15555550133',
      '+15555550134',
    ]);
  });
});
