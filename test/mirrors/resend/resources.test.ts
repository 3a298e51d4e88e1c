/** Contract tests for domains, API keys, segments/audiences, contacts, broadcasts, webhooks, auth and bad input. */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Resend } from 'resend';
import { createSession, stopMirra, MAIL_ACME_SEED, type Session } from './harness.js';

const PG = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}\+00$/;
let s: Session;
beforeAll(async () => {
  s = await createSession(MAIL_ACME_SEED);
});
afterAll(stopMirra);

describe('domains', () => {
  test('create with DNS records, get, list, update, verify, delete', async () => {
    const c = await s.sdk.domains.create({ name: 'send.example.io', region: 'eu-west-1' });
    expect(c.error).toBeNull();
    expect(c.headers!['content-type']).toContain('application/json');
    expect(c.data).toMatchObject({ name: 'send.example.io', status: 'not_started', region: 'eu-west-1', capabilities: { sending: 'enabled', receiving: 'disabled' } });
    expect(c.data!.created_at).toMatch(PG);
    expect(c.data!.records.map((r) => [r.record, r.type, r.name, r.status])).toEqual([
      ['SPF', 'MX', 'send.send', 'not_started'],
      ['SPF', 'TXT', 'send.send', 'not_started'],
      ['DKIM', 'TXT', 'resend._domainkey.send', 'not_started'],
    ]);
    expect(c.data!.records[0]).toMatchObject({ value: 'feedback-smtp.eu-west-1.amazonses.com', priority: 10, ttl: 'Auto' });
    const id = c.data!.id;
    const got = await s.sdk.domains.get(id);
    expect(got.data).toMatchObject({ object: 'domain', id, name: 'send.example.io', status: 'not_started' });
    const list = await s.sdk.domains.list();
    expect(list.data!.data.map((d) => d.name)).toEqual(['send.example.io', 'mail.acme.com']);
    const upd = await s.sdk.domains.update({ id, openTracking: true, clickTracking: true, capabilities: { receiving: 'enabled' } });
    expect(upd.data).toEqual({ object: 'domain', id });
    const after = (await s.sdk.domains.get(id)).data!;
    expect(after.open_tracking).toBe(true);
    expect(after.records.map((r) => r.record)).toEqual(['SPF', 'SPF', 'DKIM', 'Receiving']);
    const dup = await s.sdk.domains.create({ name: 'send.example.io' });
    expect(dup.error).toEqual({ statusCode: 403, name: 'validation_error', message: 'The domain send.example.io has been registered already.' });
    const del = await s.sdk.domains.remove(id);
    expect(del.data).toEqual({ object: 'domain', id, deleted: true });
    expect((await s.sdk.domains.get(id)).error).toEqual({ statusCode: 404, name: 'not_found', message: 'Domain not found' });
    expect((await s.sdk.domains.verify(id)).error).toEqual({ statusCode: 404, name: 'not_found', message: 'Domain not found' });
  });

  test('bad input', async () => {
    expect((await s.http('POST', '/domains', {})).body).toEqual({ statusCode: 422, name: 'missing_required_field', message: 'Missing `name` field.' });
    expect((await s.http('POST', '/domains', { name: 'not a domain' })).body).toEqual({
      statusCode: 422,
      name: 'validation_error',
      message: 'Invalid `name` field. `not a domain` is not a valid domain name.',
    });
    expect((await s.http('POST', '/domains', { name: 'x.example.io', region: 'mars-1' })).body).toEqual({
      statusCode: 422,
      name: 'invalid_region',
      message: 'Region must be one of: us-east-1, eu-west-1, sa-east-1, ap-northeast-1.',
    });
    expect((await s.http('PATCH', '/domains/d91cd9bd-1176-453e-8fc1-35364d380206', { open_tracking: 'yes' })).body).toEqual({
      statusCode: 422,
      name: 'validation_error',
      message: 'Invalid `open_tracking` field. Expected a boolean.',
    });
  });
});

describe('api keys', () => {
  test('create, list, delete', async () => {
    const k = await s.sdk.apiKeys.create({ name: 'Production', permission: 'sending_access' });
    expect(k.error).toBeNull();
    expect(k.data).toEqual({ id: expect.any(String), object: 'list', token: expect.stringMatching(/^re_[A-Za-z0-9]{8}_[A-Za-z0-9]{24}$/) });
    const list = await s.sdk.apiKeys.list();
    expect(list.data!.data.map((x) => x.name)).toEqual(['Production', 'Mirra session key']);
    expect(Object.keys(list.data!.data[0]).sort()).toEqual(['created_at', 'id', 'last_used_at', 'name']);
    expect((await s.sdk.apiKeys.remove(k.data!.id)).data).toEqual({ object: 'api_key', id: k.data!.id, deleted: true });
    expect((await s.sdk.apiKeys.remove(k.data!.id)).error).toEqual({ statusCode: 404, name: 'not_found', message: 'API key not found' });
    expect((await s.http('POST', '/api-keys', {})).body).toEqual({ statusCode: 422, name: 'missing_required_field', message: 'Missing `name` field.' });
    expect((await s.http('POST', '/api-keys', { name: 'x', permission: 'root' })).body).toEqual({
      statusCode: 422,
      name: 'validation_error',
      message: 'Invalid `permission` field. Expected `full_access` or `sending_access`.',
    });
  });
});

describe('segments, audiences and contacts', () => {
  test('global and audience-scoped paths, id-or-email lookups', async () => {
    const seg = await s.sdk.segments.create({ name: 'Customers' });
    expect(seg.data).toEqual({ object: 'segment', id: expect.any(String), name: 'Customers' });
    const aud = await s.http('POST', '/audiences', { name: 'Legacy' });
    expect(aud.status).toBe(201);
    expect(aud.body).toEqual({ object: 'audience', id: expect.any(String), name: 'Legacy' });
    const audId = aud.body.id as string;

    const created = await s.sdk.contacts.create({ email: 'alice@example.com', firstName: 'Alice', segments: [{ id: seg.data!.id }] });
    expect(created.data).toEqual({ object: 'contact', id: expect.any(String) });
    const legacy = await s.sdk.contacts.create({ audienceId: audId, email: 'bob@example.com', lastName: 'Builder' });
    expect(legacy.data).toEqual({ object: 'contact', id: expect.any(String) });

    const byEmail = await s.sdk.contacts.get({ email: 'alice@example.com' });
    expect(byEmail.data).toEqual({
      object: 'contact',
      id: created.data!.id,
      email: 'alice@example.com',
      first_name: 'Alice',
      last_name: null,
      created_at: expect.stringMatching(PG),
      unsubscribed: false,
      properties: {},
    });
    expect((await s.sdk.contacts.get(created.data!.id)).data!.email).toBe('alice@example.com');
    expect((await s.sdk.contacts.get({ audienceId: audId, email: 'bob@example.com' })).data!.last_name).toBe('Builder');
    expect((await s.sdk.contacts.get({ audienceId: audId, email: 'alice@example.com' })).error).toEqual({ statusCode: 404, name: 'not_found', message: 'Contact not found' });

    const upd = await s.sdk.contacts.update({ audienceId: audId, email: 'bob@example.com', unsubscribed: true });
    expect(upd.data).toEqual({ object: 'contact', id: legacy.data!.id });
    expect((await s.sdk.contacts.get(legacy.data!.id)).data!.unsubscribed).toBe(true);

    expect((await s.sdk.contacts.list()).data!.data.map((c) => c.email)).toEqual(['bob@example.com', 'alice@example.com']);
    expect((await s.sdk.contacts.list({ segmentId: seg.data!.id })).data!.data.map((c) => c.email)).toEqual(['alice@example.com']);
    expect((await s.http('GET', `/audiences/${audId}/contacts`)).body.data.map((c: { email: string }) => c.email)).toEqual(['bob@example.com']);
    expect((await s.sdk.segments.get(seg.data!.id)).data).toEqual({ object: 'segment', id: seg.data!.id, name: 'Customers', created_at: expect.stringMatching(PG) });
    expect((await s.sdk.segments.list()).data!.data.map((x) => x.name)).toEqual(['Legacy', 'Customers']);

    const del = await s.sdk.contacts.remove({ email: 'alice@example.com' });
    expect(del.data).toEqual({ object: 'contact', contact: 'alice@example.com', deleted: true });
    // Recorded real behaviour: deleting a contact that does not exist still answers 200.
    const again = await s.sdk.contacts.remove('a2d3c4b5-0000-4000-8000-000000000000');
    expect(again.data).toEqual({ object: 'contact', contact: 'a2d3c4b5-0000-4000-8000-000000000000', deleted: true });
    expect((await s.sdk.segments.remove(seg.data!.id)).data).toEqual({ object: 'segment', id: seg.data!.id, deleted: true });
    expect((await s.sdk.segments.get(seg.data!.id)).error).toEqual({ statusCode: 404, name: 'not_found', message: 'Segment not found' });
    expect((await s.http('GET', '/audiences/0c2f6c8e-2f0a-4d4e-9d4c-6b7f2a1e9a11/contacts')).body).toEqual({ statusCode: 404, name: 'not_found', message: 'Audience not found' });
  });

  test('bad input', async () => {
    expect((await s.http('POST', '/contacts', {})).body).toEqual({ statusCode: 422, name: 'missing_required_field', message: 'Missing `email` field.' });
    expect((await s.http('POST', '/contacts', { email: 'nope' })).body).toEqual({
      statusCode: 422,
      name: 'validation_error',
      message: 'Invalid `email` field. The email address needs to follow the `email@example.com` format.',
    });
    expect((await s.http('POST', '/contacts', { email: 'x@example.com', unsubscribed: 'no' })).body).toEqual({
      statusCode: 422,
      name: 'validation_error',
      message: 'Invalid `unsubscribed` field. Expected a boolean.',
    });
    expect((await s.http('POST', '/segments', { name: 5 })).body).toEqual({ statusCode: 422, name: 'validation_error', message: 'Invalid `name` field. Expected a string.' });
    expect((await s.http('PATCH', '/contacts/ghost@example.com', { first_name: 'G' })).body).toEqual({ statusCode: 404, name: 'not_found', message: 'Contact not found' });
  });

  test('marketing-list fixture: 1,000 contacts in one audience and 3 sent broadcasts', async () => {
    const m = await createSession('marketing-list');
    const state = await m.state();
    expect(state.contacts).toHaveLength(1000);
    expect(state.audiences).toHaveLength(1);
    expect(new Set(state.contacts.map((c) => c.email)).size).toBe(1000);
    expect(state.contacts.every((c) => c.segment_ids[0] === state.audiences[0].id)).toBe(true);
    expect(state.broadcasts.map((b) => b.status)).toEqual(['sent', 'sent', 'sent']);
    const page = await m.sdk.contacts.list({ audienceId: state.audiences[0].id, limit: 100 });
    expect(page.data!.data).toHaveLength(100);
    expect(page.data!.has_more).toBe(true);
  });
});

describe('broadcasts', () => {
  test('create draft, get, update, send (queued → sent), list, delete refused after send', async () => {
    const b = await createSession('marketing-list');
    const audience = (await b.state()).audiences[0].id as string;
    const c = await b.sdk.broadcasts.create({ name: 'May update', segmentId: audience, from: 'Acme <newsletter@news.acme.com>', subject: 'May at Acme', html: '<p>Hi</p>' });
    expect(c.error).toBeNull();
    const id = c.data!.id;
    const got = await b.sdk.broadcasts.get(id);
    expect(got.data).toMatchObject({ object: 'broadcast', id, name: 'May update', segment_id: audience, status: 'draft', sent_at: null, scheduled_at: null });
    expect((await b.sdk.broadcasts.update(id, { subject: 'May 2026 at Acme' })).data).toEqual({ id });
    expect((await b.sdk.broadcasts.send(id)).data).toEqual({ id });
    expect((await b.sdk.broadcasts.get(id)).data!.status).toBe('queued');
    await b.settle();
    const sent = (await b.sdk.broadcasts.get(id)).data!;
    expect(sent.status).toBe('sent');
    expect(sent.subject).toBe('May 2026 at Acme');
    expect(sent.sent_at).toMatch(PG);
    expect((await b.sdk.broadcasts.list()).data!.data.map((x) => x.status)).toEqual(['sent', 'sent', 'sent', 'sent']);
    expect((await b.sdk.broadcasts.send(id)).error).toEqual({ statusCode: 422, name: 'validation_error', message: `Broadcast with id \`${id}\` has already been sent.` });
    expect((await b.sdk.broadcasts.remove(id)).error).toEqual({ statusCode: 422, name: 'validation_error', message: `Broadcast with id \`${id}\` cannot be deleted because it has already been sent.` });

    const later = await b.sdk.broadcasts.create({ segmentId: audience, from: 'newsletter@news.acme.com', subject: 'Later', text: 'x', send: true, scheduledAt: 'in 1 hour' });
    expect((await b.sdk.broadcasts.get(later.data!.id)).data).toMatchObject({ status: 'queued', scheduled_at: expect.stringMatching(PG) });
    expect((await b.sdk.broadcasts.remove(later.data!.id)).data).toEqual({ object: 'broadcast', id: later.data!.id, deleted: true });

    const unverified = await b.sdk.broadcasts.create({ segmentId: audience, from: 'x@nope.example.org', subject: 's', html: 'x', send: true });
    expect(unverified.error).toEqual({ statusCode: 403, name: 'validation_error', message: 'The nope.example.org domain is not verified. Please, add and verify your domain on https://resend.com/domains' });
    expect((await b.http('POST', '/broadcasts', { segment_id: audience, subject: 's' })).body).toEqual({ statusCode: 422, name: 'missing_required_field', message: 'Missing `from` field.' });
    expect((await b.sdk.broadcasts.get('0c2f6c8e-2f0a-4d4e-9d4c-6b7f2a1e9a11')).error).toEqual({ statusCode: 404, name: 'not_found', message: 'Broadcast not found' });
  });
});

describe('webhook endpoints', () => {
  test('create, get, list, update, delete', async () => {
    const c = await s.sdk.webhooks.create({ endpoint: 'https://app.acme.com/webhooks/resend', events: ['email.sent', 'email.delivered'] });
    expect(c.data).toEqual({ object: 'webhook', id: expect.any(String), signing_secret: expect.stringMatching(/^whsec_/) });
    const id = c.data!.id;
    expect((await s.sdk.webhooks.get(id)).data).toEqual({
      object: 'webhook',
      id,
      created_at: expect.stringMatching(PG),
      status: 'enabled',
      endpoint: 'https://app.acme.com/webhooks/resend',
      events: ['email.sent', 'email.delivered'],
      signing_secret: c.data!.signing_secret,
    });
    expect((await s.sdk.webhooks.update(id, { status: 'disabled', events: ['email.bounced'] })).data).toEqual({ object: 'webhook', id });
    const list = await s.sdk.webhooks.list();
    expect(list.data!.data).toEqual([{ id, endpoint: 'https://app.acme.com/webhooks/resend', created_at: expect.stringMatching(PG), status: 'disabled', events: ['email.bounced'] }]);
    expect((await s.sdk.webhooks.remove(id)).data).toEqual({ object: 'webhook', id, deleted: true });
    expect((await s.sdk.webhooks.get(id)).error).toEqual({ statusCode: 404, name: 'not_found', message: 'Webhook not found' });
    expect((await s.http('POST', '/webhooks', { events: ['email.sent'] })).body).toEqual({ statusCode: 422, name: 'missing_required_field', message: 'Missing `endpoint` field.' });
    expect((await s.http('POST', '/webhooks', { endpoint: 'ftp://x', events: ['email.sent'] })).body).toEqual({
      statusCode: 422,
      name: 'validation_error',
      message: 'Invalid `endpoint` field. It must be an http(s) URL.',
    });
    expect((await s.http('POST', '/webhooks', { endpoint: 'https://x.io', events: ['email.exploded'] })).body).toEqual({
      statusCode: 422,
      name: 'validation_error',
      message: 'Invalid `events` field. `email.exploded` is not a valid event type.',
    });
  });
});

describe('auth and transport errors', () => {
  test('missing and invalid API keys', async () => {
    const noKey = await fetch(`${s.url}/emails`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toEqual({
      statusCode: 401,
      name: 'missing_api_key',
      message: 'Missing API key in the authorization header. Include the following header `Authorization: Bearer YOUR_API_KEY` in the request.',
    });
    const wrong = await new Resend('re_notAReal_keyAtAllForThisMirror000', { baseUrl: s.url }).emails.get('x');
    expect(wrong.error).toEqual({ statusCode: 403, name: 'invalid_api_key', message: 'API key is invalid' });
  });

  test('unknown routes, wrong methods, invalid JSON, oversized bodies: vendor bodies, never a 500', async () => {
    expect(await s.http('GET', '/nothing-here')).toMatchObject({ status: 404, body: { statusCode: 404, name: 'not_found', message: 'The requested endpoint does not exist.' } });
    expect(await s.http('PUT', '/emails')).toMatchObject({ status: 405, body: { statusCode: 405, name: 'method_not_allowed', message: 'Method is not allowed for the requested path.' } });
    expect(await s.http('POST', '/emails', '{"from": ')).toMatchObject({
      status: 400,
      body: { statusCode: 400, name: 'validation_error', message: 'We found an error with one or more fields in the request. The request body is not valid JSON.' },
    });
    const huge = JSON.stringify({ from: 'hello@mail.acme.com', to: 'a@example.com', subject: 's', html: 'x'.repeat(57 * 1024 * 1024) });
    const big = await s.http('POST', '/emails', huge);
    expect(big.status).toBe(413);
    expect(big.body).toEqual({ statusCode: 413, name: 'validation_error', message: 'The request body is too large. The maximum size is 56MB (attachments up to 40MB).' });
    const tooBigAttachment = { from: 'hello@mail.acme.com', to: 'a@example.com', subject: 's', html: 'x', attachments: [{ filename: 'big.bin', content: Buffer.alloc(41 * 1024 * 1024).toString('base64') }] };
    expect((await s.http('POST', '/emails', tooBigAttachment)).body).toEqual({ statusCode: 422, name: 'validation_error', message: 'The attachments exceed the maximum size of 40MB.' });
    const trace = await s.admin('GET', '/_mirra/trace?kinds=request');
    const statuses: number[] = trace.entries.map((e: { data: { status: number } }) => e.data.status);
    expect(statuses.length).toBeGreaterThan(10);
    expect(statuses.filter((x) => x >= 500)).toEqual([]);
  });
});

describe('fixtures', () => {
  test('transactional-busy and bounced-domain load with their contents', async () => {
    const t = await createSession('transactional-busy');
    const st = await t.state();
    expect(st.domains.map((d) => [d.name, d.status])).toEqual([['mail.acme.com', 'verified']]);
    expect(st.emails).toHaveLength(100);
    const events = new Set(st.emails.map((e) => e.last_event));
    for (const e of ['delivered', 'opened', 'clicked', 'bounced']) expect(events.has(e)).toBe(true);
    expect(st.emails.every((e) => PG.test(e.created_at))).toBe(true);
    const b = await createSession('bounced-domain');
    const bs = await b.state();
    expect(bs.domains[0]).toMatchObject({ name: 'news.acme.com', status: 'failed' });
    const rate = bs.emails.filter((e) => e.last_event === 'bounced').length / bs.emails.length;
    expect(rate).toBeGreaterThan(0.04);
    const refused = await b.sdk.emails.send({ from: 'updates@news.acme.com', to: 'alice@example.com', subject: 'x', html: 'x' });
    expect(refused.error).toEqual({ statusCode: 403, name: 'validation_error', message: 'The news.acme.com domain is not verified. Please, add and verify your domain on https://resend.com/domains' });
  });
});
