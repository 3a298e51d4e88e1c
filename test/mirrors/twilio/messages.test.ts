/** Messages through the official SDK: create/fetch/list/paging/update/delete, errors exactly as Twilio, rate limit. */
import { afterAll, describe, expect, test } from 'vitest';
import twilio from 'twilio';
import { createSession, restError, stopMirra, MirraRequestClient, VERIFIED } from './harness.js';

afterAll(stopMirra);

const RFC2822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} \+0000$/;
const err = (status: number, code: number, message: string) => ({ name: 'RestException', status, code, message, moreInfo: `https://www.twilio.com/docs/errors/${code}` });

describe('create, fetch, list', () => {
  test('an SMS is queued with the exact 2010-04-01 shape and can be fetched', async () => {
    const s = await createSession(VERIFIED);
    const raw = await s.http('POST', `/2010-04-01/Accounts/${s.accountSid}/Messages.json`, { To: '+15555550100', From: '+15555550123', Body: 'Your order shipped' });
    expect(raw.status).toBe(201);
    const sid = raw.body.sid;
    expect(sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(raw.body).toEqual({
      account_sid: s.accountSid,
      api_version: '2010-04-01',
      body: 'Your order shipped',
      date_created: expect.stringMatching(RFC2822),
      date_sent: null,
      date_updated: expect.stringMatching(RFC2822),
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from: '+15555550123',
      messaging_service_sid: null,
      num_media: '0',
      num_segments: '1',
      price: null,
      price_unit: 'USD',
      sid,
      status: 'queued',
      subresource_uris: {
        media: `/2010-04-01/Accounts/${s.accountSid}/Messages/${sid}/Media.json`,
        feedback: `/2010-04-01/Accounts/${s.accountSid}/Messages/${sid}/Feedback.json`,
      },
      to: '+15555550100',
      uri: `/2010-04-01/Accounts/${s.accountSid}/Messages/${sid}.json`,
    });
    await s.settle();
    const fetched = await s.sdk.messages(sid).fetch();
    expect(fetched.status).toBe('delivered');
    expect(fetched.price).toBe('-0.00790');
    expect(fetched.dateSent).toBeInstanceOf(Date);
    expect(fetched.body).toBe('Your order shipped');
  });

  test('SDK create: MMS with media, segments for long and unicode bodies', async () => {
    const s = await createSession(VERIFIED);
    const mms = await s.sdk.messages.create({ to: '+15555550100', from: '+15555550123', mediaUrl: ['https://example.com/a.jpg', 'https://example.com/b.png'] });
    expect(mms.sid).toMatch(/^MM[0-9a-f]{32}$/);
    expect(mms.numMedia).toBe('2');
    expect(mms.body).toBe('');
    const state = await s.state();
    expect(state.messages[0].media_urls).toEqual(['https://example.com/a.jpg', 'https://example.com/b.png']);
    expect((await s.sdk.messages.create({ to: '+15555550100', from: '+15555550123', body: 'a'.repeat(161) })).numSegments).toBe('2');
    expect((await s.sdk.messages.create({ to: '+15555550100', from: '+15555550123', body: 'héllo 👋' })).numSegments).toBe('1');
    expect((await s.sdk.messages.create({ to: '+15555550100', from: '+15555550123', body: '👋'.repeat(36) })).numSegments).toBe('2');
  });

  test('list is newest first, filters by To/From, and pages with PageSize/Page/PageToken', async () => {
    const s = await createSession(VERIFIED);
    const sids: string[] = [];
    for (let i = 0; i < 5; i++) sids.push((await s.sdk.messages.create({ to: i % 2 ? '+15555550101' : '+15555550100', from: '+15555550123', body: `m${i}` })).sid);
    const all = await s.sdk.messages.list();
    expect(all.map((m) => m.sid)).toEqual([...sids].reverse());
    expect((await s.sdk.messages.list({ to: '+15555550101' })).map((m) => m.body)).toEqual(['m3', 'm1']);
    expect((await s.sdk.messages.list({ from: '+15555550124' }))).toEqual([]);

    // The SDK follows next_page_uri (prefixed with https://api.twilio.com, rewritten to the mirror).
    const paged = await s.sdk.messages.list({ pageSize: 2 });
    expect(paged.map((m) => m.sid)).toEqual([...sids].reverse());

    const p0 = await s.http('GET', `/2010-04-01/Accounts/${s.accountSid}/Messages.json?PageSize=2`);
    const base = `/2010-04-01/Accounts/${s.accountSid}/Messages.json`;
    expect(p0.body).toEqual({
      first_page_uri: `${base}?PageSize=2&Page=0`,
      end: 1,
      previous_page_uri: null,
      messages: expect.any(Array),
      uri: `${base}?PageSize=2&Page=0`,
      page_size: 2,
      start: 0,
      next_page_uri: `${base}?PageSize=2&Page=1&PageToken=PA${sids[3]}`,
      page: 0,
    });
    expect(p0.body.messages.map((m: any) => m.sid)).toEqual([sids[4], sids[3]]);
    // A message created meanwhile does not shift the next page.
    await s.sdk.messages.create({ to: '+15555550100', from: '+15555550123', body: 'late' });
    const p1 = await s.http('GET', p0.body.next_page_uri);
    expect(p1.body.messages.map((m: any) => m.sid)).toEqual([sids[2], sids[1]]);
    expect(p1.body.page).toBe(1);
    expect(p1.body.start).toBe(2);
    expect(p1.body.end).toBe(3);
    expect(p1.body.previous_page_uri).toBe(`${base}?PageSize=2&Page=0&PageToken=PB${sids[2]}`);
    const filtered = await s.http('GET', `${base}?To=%2B15555550100&PageSize=1`);
    expect(filtered.body.uri).toBe(`${base}?To=%2B15555550100&PageSize=1&Page=0`);
    expect(filtered.body.next_page_uri).toMatch(new RegExp(`^${base.replace(/[.]/g, '\\.')}\\?To=%2B15555550100&PageSize=1&Page=1&PageToken=PASM[0-9a-f]{32}$`));

    const bad = await s.http('GET', `${base}?PageSize=1001`);
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe(20001);
  });

  test('update redacts a finished message; cancel needs a scheduled one; delete needs a finished one', async () => {
    const s = await createSession(VERIFIED);
    const m = await s.sdk.messages.create({ to: '+15555550100', from: '+15555550123', body: 'secret 1234' });
    expect(await restError(s.sdk.messages(m.sid).update({ body: '' }))).toEqual(err(400, 20009, `Cannot redact message ${m.sid} because delivery has not been completed.`));
    expect(await restError(s.sdk.messages(m.sid).remove())).toEqual(err(409, 20009, `Cannot delete message ${m.sid} because delivery has not been completed.`));
    expect(await restError(s.sdk.messages(m.sid).update({ status: 'canceled' }))).toEqual(
      err(400, 30409, `Message ${m.sid} cannot be canceled: only scheduled messages can be canceled.`),
    );
    await s.settle();
    const redacted = await s.sdk.messages(m.sid).update({ body: '' });
    expect(redacted.body).toBe('');
    expect(redacted.status).toBe('delivered');
    expect(await s.sdk.messages(m.sid).remove()).toBe(true);
    expect(await restError(s.sdk.messages(m.sid).fetch())).toEqual(
      err(404, 20404, `The requested resource /2010-04-01/Accounts/${s.accountSid}/Messages/${m.sid}.json was not found`),
    );
  });

  test('a scheduled message waits for SendAt, then runs the normal timeline; it can be canceled', async () => {
    const s = await createSession('messaging-service');
    const [svc] = await s.sdk.messaging.v1.services.list();
    const now = Date.parse((await s.admin('GET', '/_mirra/clock')).now);
    const sendAt = new Date(now + 3_600_000);
    const m = await s.sdk.messages.create({ to: '+15555550100', messagingServiceSid: svc.sid, body: 'reminder', scheduleType: 'fixed', sendAt });
    expect(m.status).toBe('scheduled');
    expect(m.from).toBeNull();
    await s.advance('59m');
    expect((await s.sdk.messages(m.sid).fetch()).status).toBe('scheduled');
    await s.advance('1m');
    await s.settle();
    const sent = await s.sdk.messages(m.sid).fetch();
    expect(sent.status).toBe('delivered');
    expect(sent.from).toBe('+15555550130');

    const later = new Date(Date.parse((await s.admin('GET', '/_mirra/clock')).now) + 3_600_000);
    const c = await s.sdk.messages.create({ to: '+15555550100', messagingServiceSid: svc.sid, body: 'later', scheduleType: 'fixed', sendAt: later });
    expect((await s.sdk.messages(c.sid).update({ status: 'canceled' })).status).toBe('canceled');
    await s.settle();
    expect((await s.sdk.messages(c.sid).fetch()).status).toBe('canceled');
    expect(await restError(s.sdk.messages.create({ to: '+15555550100', messagingServiceSid: svc.sid, body: 'x', scheduleType: 'fixed', sendAt: new Date(Date.parse(later.toISOString()) - 3_540_000) }))).toEqual(
      err(400, 35114, 'Scheduled delivery time must be at least 900 seconds and no more than 3024000 seconds (35 days) in the future.'),
    );
    expect(await restError(s.sdk.messages.create({ to: '+15555550100', from: '+15555550130', body: 'x', scheduleType: 'fixed', sendAt: later }))).toEqual(
      err(400, 35118, 'MessagingServiceSid is required to schedule a message.'),
    );
  });
});

describe('messaging service senders', () => {
  test('MessagingServiceSid: accepted with from null, then queued from the pool; sticky per recipient', async () => {
    const s = await createSession('messaging-service');
    const [svc] = await s.sdk.messaging.v1.services.list();
    const a = await s.sdk.messages.create({ to: '+15555550100', messagingServiceSid: svc.sid, body: 'one' });
    expect(a.status).toBe('accepted');
    expect(a.from).toBeNull();
    expect(a.messagingServiceSid).toBe(svc.sid);
    await s.settle();
    const b = await s.sdk.messages.create({ to: '+15555550199', messagingServiceSid: svc.sid, body: 'two' });
    const c = await s.sdk.messages.create({ to: '+15555550100', messagingServiceSid: svc.sid, body: 'three' });
    await s.settle();
    const from = async (sid: string) => (await s.sdk.messages(sid).fetch()).from;
    expect(await from(a.sid)).toBe('+15555550130');
    expect(await from(b.sid)).toBe('+15555550131');
    expect(await from(c.sid)).toBe('+15555550130');
  });

  test('an unknown service is 21701; an empty pool is 21704 when queued', async () => {
    const s = await createSession(VERIFIED);
    expect(await restError(s.sdk.messages.create({ to: '+15555550100', messagingServiceSid: 'MG00000000000000000000000000000000', body: 'x' }))).toEqual(
      err(400, 21701, 'The Messaging Service Sid MG00000000000000000000000000000000 is invalid.'),
    );
    const svc = await s.sdk.messaging.v1.services.create({ friendlyName: 'Empty' });
    const m = await s.sdk.messages.create({ to: '+15555550100', messagingServiceSid: svc.sid, body: 'x' });
    await s.settle();
    const f = await s.sdk.messages(m.sid).fetch();
    expect([f.status, f.errorCode, f.errorMessage]).toEqual(['failed', 21704, 'The Messaging Service contains no phone numbers']);
  });
});

describe('errors', () => {
  test('missing and invalid parameters, exactly as Twilio', async () => {
    const s = await createSession(VERIFIED);
    const send = (p: Record<string, unknown>) => restError(s.sdk.messages.create(p as never));
    expect(await send({ to: '', from: '+15555550123', body: 'x' })).toEqual(err(400, 21604, "A 'To' phone number is required."));
    expect(await send({ to: 'not-a-number', from: '+15555550123', body: 'x' })).toEqual(err(400, 21211, "The 'To' number not-a-number is not a valid phone number."));
    expect(await send({ to: '+15555550100', body: 'x' })).toEqual(err(400, 21603, "A 'From' phone number is required."));
    expect(await send({ to: '+15555550100', from: '+15555550123' })).toEqual(err(400, 21602, 'Message body is required.'));
    expect(await send({ to: '+15555550100', from: '+15555550199', body: 'x' })).toEqual(
      err(400, 21606, 'The From phone number +15555550199 is not a valid, SMS-capable inbound phone number or short code for your account.'),
    );
    expect(await send({ to: '+15555550100', from: 'hello!', body: 'x' })).toEqual(
      err(400, 21212, "The 'From' number hello! is not a valid phone number, shortcode, or alphanumeric sender ID."),
    );
    expect(await send({ to: '+15555550100', from: '+15555550123', body: 'x'.repeat(1601) })).toEqual(err(400, 21617, 'The concatenated message body exceeds the 1600 character limit.'));
    expect(await send({ to: '+15555550100', from: '+15555550123', mediaUrl: ['ftp://x/y.png'] })).toEqual(err(400, 21620, 'Invalid media URL(s): ftp://x/y.png'));
    expect(await send({ to: '+15555550100', from: '+15555550123', body: 'x', statusCallback: 'not a url' })).toEqual(
      err(400, 21609, 'The StatusCallback URL not a url is not a valid URL.'),
    );
    expect((await s.state()).messages).toEqual([]);
  });

  test("Twilio's magic test numbers", async () => {
    const s = await createSession('empty');
    const send = (to: string, from = '+15005550006') => restError(s.sdk.messages.create({ to, from, body: 'x' }));
    expect(await send('+15005550001')).toEqual(err(400, 21211, "The 'To' number +15005550001 is not a valid phone number."));
    expect(await send('+15005550002')).toEqual(err(400, 21612, "The 'To' phone number: +15005550002, is not currently reachable using the 'From' phone number: +15005550006 via SMS."));
    expect(await send('+15005550003')).toEqual(err(400, 21408, "Permission to send an SMS has not been enabled for the region indicated by the 'To' number: +15005550003."));
    expect(await send('+15005550004')).toEqual(err(400, 21610, 'Attempt to send to unsubscribed recipient'));
    expect(await send('+15005550009')).toEqual(err(400, 21614, "'To' number +15005550009 is not a valid mobile number"));
    expect(await send('+15555550100', '+15005550001')).toEqual(err(400, 21212, "The 'From' number +15005550001 is not a valid phone number, shortcode, or alphanumeric sender ID."));
    expect(await send('+15555550100', '+15005550007')).toEqual(
      err(400, 21606, 'The From phone number +15005550007 is not a valid, SMS-capable inbound phone number or short code for your account.'),
    );
    expect(await send('+15555550100', '+15005550008')).toEqual(err(400, 21611, "This 'From' number +15005550008 has exceeded the maximum number of queued messages"));
    const ok = await s.sdk.messages.create({ to: '+15555550100', from: '+15005550006', body: 'magic ok' });
    expect(ok.status).toBe('queued');
  });

  test('credentials: wrong token, unknown account, another account in the path, no credentials → 401 20003', async () => {
    const s = await createSession(VERIFIED);
    const authErr = { ...err(401, 20003, 'Authenticate') };
    const wrongToken = twilio(s.accountSid, 'f'.repeat(32), { httpClient: new MirraRequestClient(s.url) });
    expect(await restError(wrongToken.messages.list())).toEqual(authErr);
    const unknown = twilio(`AC${'0'.repeat(32)}`, s.authToken, { httpClient: new MirraRequestClient(s.url) });
    expect(await restError(unknown.messages.list())).toEqual(authErr);
    const other = await s.http('GET', `/2010-04-01/Accounts/AC${'1'.repeat(32)}/Messages.json`);
    expect(other.status).toBe(401);
    expect(other.body).toEqual({ code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401, detail: 'Your AccountSid or AuthToken was incorrect.' });
    const none = await fetch(`${s.url}/2010-04-01/Accounts/${s.accountSid}/Messages.json`);
    expect(none.status).toBe(401);
    expect(((await none.json()) as any).code).toBe(20003);
  });

  test('unknown paths and methods answer Twilio errors, never a 500', async () => {
    const s = await createSession(VERIFIED);
    const p = `/2010-04-01/Accounts/${s.accountSid}`;
    const unknown = await s.http('GET', `${p}/Nope.json`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ code: 20404, message: `The requested resource ${p}/Nope.json was not found`, more_info: 'https://www.twilio.com/docs/errors/20404', status: 404 });
    const put = await s.http('PUT', `${p}/Messages.json`, { To: '+1' });
    expect(put.status).toBe(405);
    expect(put.body.code).toBe(20004);
    const weird = [
      'To=%E0%A4%A&From=%2B15555550123&Body=x',
      'To[]=a&To[]=b&From=%2B15555550123&Body=x',
      'To[x][y]=1&From=%2B15555550123&Body=x',
      '__proto__[x]=1&To=%2B15555550100&From=%2B15555550123&Body=x',
      '',
    ];
    const outcomes = [];
    for (const body of weird) {
      const r = await s.http('POST', `${p}/Messages.json`, body);
      outcomes.push([r.status, r.body.code ?? r.body.status]);
    }
    expect(outcomes).toEqual([
      [400, 21211],
      [400, 21211],
      [400, 21604],
      [201, 'queued'],
      [400, 21604],
    ]);
    const json = await s.http('POST', `${p}/Messages.json`, '{"To": "+15555550100"', { 'content-type': 'application/json' });
    expect(json.status).toBe(400);
    expect(json.body.code).toBe(20001);
  });
});

describe('rate-limited fixture', () => {
  test('10 sends per minute, then 429 / 20429; the window resets on the session clock', async () => {
    const s = await createSession('rate-limited');
    for (let i = 0; i < 10; i++) await s.sdk.messages.create({ to: '+15555550100', from: '+15555550123', body: `n${i}` });
    expect(await restError(s.sdk.messages.create({ to: '+15555550100', from: '+15555550123', body: 'n10' }))).toEqual(err(429, 20429, 'Too Many Requests'));
    const raw = await s.http('POST', `/2010-04-01/Accounts/${s.accountSid}/Messages.json`, { To: '+15555550100', From: '+15555550123', Body: 'x' });
    expect(raw.body).toEqual({ code: 20429, message: 'Too Many Requests', more_info: 'https://www.twilio.com/docs/errors/20429', status: 429 });
    expect((await s.state()).messages).toHaveLength(10);
    // Reads are not throttled.
    expect(await s.sdk.messages.list()).toHaveLength(10);
    await s.advance('60s');
    expect((await s.sdk.messages.create({ to: '+15555550100', from: '+15555550123', body: 'again' })).status).toBe('queued');
  });
});
