/** Contract tests for `/emails` through the official `resend` SDK over real HTTP. */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createSession, stopMirra, MAIL_ACME_SEED, type Session } from './harness.js';

const PG = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}\+00$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let s: Session;
beforeAll(async () => {
  s = await createSession(MAIL_ACME_SEED);
});
afterAll(stopMirra);

describe('POST /emails', () => {
  test('sends with every field and GET /emails/:id returns the Resend shape', async () => {
    const { data, error, headers } = await s.sdk.emails.send({
      from: 'Acme <hello@mail.acme.com>',
      to: ['alice@example.com', 'Bob <bob@example.com>'],
      cc: 'carol@example.com',
      bcc: ['dan@example.com'],
      replyTo: 'support@acme.com',
      subject: 'Welcome to Acme',
      html: '<p>Hi</p>',
      text: 'Hi',
      headers: { 'X-Entity-Ref-ID': '123' },
      tags: [{ name: 'category', value: 'welcome' }],
      attachments: [{ filename: 'hello.txt', content: Buffer.from('hello world') }],
    });
    expect(error).toBeNull();
    expect(data!.id).toMatch(UUID);
    expect(headers!['ratelimit-limit']).toBe('5');
    const got = await s.sdk.emails.get(data!.id);
    expect(got.error).toBeNull();
    expect(got.data).toEqual({
      object: 'email',
      id: data!.id,
      to: ['alice@example.com', 'Bob <bob@example.com>'],
      from: 'Acme <hello@mail.acme.com>',
      created_at: expect.stringMatching(PG),
      subject: 'Welcome to Acme',
      html: '<p>Hi</p>',
      text: 'Hi',
      bcc: ['dan@example.com'],
      cc: ['carol@example.com'],
      reply_to: ['support@acme.com'],
      last_event: 'sent',
      scheduled_at: null,
      message_id: `<${data!.id}@mail.acme.com>`,
      tags: [{ name: 'category', value: 'welcome' }],
      topic_id: null,
    });
    const state = await s.state();
    const row = state.emails.find((e) => e.id === data!.id);
    expect(row.headers).toEqual({ 'X-Entity-Ref-ID': '123' });
    expect(row.attachments).toEqual([{ filename: 'hello.txt', content_type: null, content_id: null, size: 11, path: null }]);
  });

  test('missing and invalid fields answer 422 with the vendor body', async () => {
    const cases: Array<[Record<string, unknown>, number, string, string]> = [
      [{ to: 'a@example.com', subject: 's', html: 'x' }, 422, 'missing_required_field', 'Missing `from` field.'],
      [{ from: 'hello@mail.acme.com', subject: 's', html: 'x' }, 422, 'missing_required_field', 'Missing `to` field.'],
      [{ from: 'hello@mail.acme.com', to: 'a@example.com', html: 'x' }, 422, 'missing_required_field', 'Missing `subject` field.'],
      [{ from: 'hello@mail.acme.com', to: 'a@example.com', subject: 's' }, 422, 'missing_required_field', 'Missing `html` or `text` field.'],
      [
        { from: 'not an address', to: 'a@example.com', subject: 's', html: 'x' },
        422,
        'validation_error',
        'Invalid `from` field. The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.',
      ],
      [
        { from: 'hello@mail.acme.com', to: ['ok@example.com', 'nope'], subject: 's', html: 'x' },
        422,
        'validation_error',
        'Invalid `to` field. The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.',
      ],
      [{ from: 'hello@mail.acme.com', to: 'a@example.com', subject: 42, html: 'x' }, 422, 'validation_error', 'Invalid `subject` field. Expected a string.'],
      [{ from: 'hello@mail.acme.com', to: Array.from({ length: 51 }, (_, i) => `u${i}@example.com`), subject: 's', html: 'x' }, 422, 'validation_error', 'Invalid `to` field. Too many recipients, the maximum is 50.'],
      [
        { from: 'hello@mail.acme.com', to: 'a@example.com', subject: 's', html: 'x', tags: [{ name: 'bad tag!', value: 'v' }] },
        422,
        'validation_error',
        'Invalid `tags` field. Tag names and values can only contain ASCII letters, numbers, underscores, or dashes, and can be at most 256 characters long.',
      ],
      [{ from: 'hello@mail.acme.com', to: 'a@example.com', subject: 's', html: 'x', attachments: [{ filename: 'a.txt' }] }, 422, 'invalid_attachment', 'Attachment must have either a `content` or `path`.'],
      [
        { from: 'hello@mail.acme.com', to: 'a@example.com', subject: 's', html: 'x', scheduled_at: 'next tuesday-ish' },
        422,
        'validation_error',
        'Invalid `scheduled_at` field. The date should be in ISO 8601 format (e.g: 2024-08-05T11:52:01.858Z) or in natural language (e.g: in 1 min).',
      ],
      [{ from: 'hello@mail.acme.com', to: 'a@example.com', subject: 's', html: 42 }, 422, 'validation_error', 'Invalid `html` field. Expected a string.'],
    ];
    for (const [body, status, name, message] of cases) {
      const r = await s.http('POST', '/emails', body);
      expect({ status: r.status, body: r.body }).toEqual({ status, body: { statusCode: status, name, message } });
    }
    const nonObject = await s.http('POST', '/emails', [1, 2]);
    expect(nonObject.body).toEqual({ statusCode: 422, name: 'validation_error', message: 'The request body must be a JSON object.' });
  });

  test('an unverified or unknown sending domain answers 403 validation_error', async () => {
    const { data, error } = await s.sdk.emails.send({ from: 'hello@unknown.example.org', to: 'alice@example.com', subject: 'x', html: 'x' });
    expect(data).toBeNull();
    expect(error).toEqual({
      statusCode: 403,
      name: 'validation_error',
      message: 'The unknown.example.org domain is not verified. Please, add and verify your domain on https://resend.com/domains',
    });
    const created = await s.sdk.domains.create({ name: 'pending.acme.com' });
    expect(created.data!.status).toBe('not_started');
    const r = await s.sdk.emails.send({ from: 'a@pending.acme.com', to: 'alice@example.com', subject: 'x', html: 'x' });
    expect(r.error).toEqual({ statusCode: 403, name: 'validation_error', message: 'The pending.acme.com domain is not verified. Please, add and verify your domain on https://resend.com/domains' });
  });

  test('onboarding@resend.dev may only send to the account owner and the test addresses', async () => {
    const refused = await s.sdk.emails.send({ from: 'onboarding@resend.dev', to: 'alice@example.com', subject: 'x', html: 'x' });
    expect(refused.error).toEqual({
      statusCode: 403,
      name: 'validation_error',
      message:
        'You can only send testing emails to your own email address (owner@example.com). To send emails to other recipients, please verify a domain at resend.com/domains, and change the `from` address to an email using this domain.',
    });
    const owner = await s.sdk.emails.send({ from: 'Acme <onboarding@resend.dev>', to: 'owner@example.com', subject: 'x', html: 'x' });
    expect(owner.error).toBeNull();
    const test = await s.sdk.emails.send({ from: 'onboarding@resend.dev', to: 'delivered+signup@resend.dev', subject: 'x', html: 'x' });
    expect(test.error).toBeNull();
  });

  test('unknown ids answer 404 not_found', async () => {
    const r = await s.sdk.emails.get('0c2f6c8e-2f0a-4d4e-9d4c-6b7f2a1e9a11');
    expect(r.error).toEqual({ statusCode: 404, name: 'not_found', message: 'Email not found' });
    const c = await s.sdk.emails.cancel('0c2f6c8e-2f0a-4d4e-9d4c-6b7f2a1e9a11');
    expect(c.error).toEqual({ statusCode: 404, name: 'not_found', message: 'Email not found' });
  });
});

describe('scheduling', () => {
  test('scheduled → rescheduled → sent at the new time; another one canceled', async () => {
    const at = new Date(Date.parse((await s.admin('GET', '/_mirra/clock')).now) + 3_600_000).toISOString();
    const { data } = await s.sdk.emails.send({ from: 'hello@mail.acme.com', to: 'alice@example.com', subject: 'later', html: 'x', scheduledAt: at });
    const got = await s.sdk.emails.get(data!.id);
    expect(got.data!.last_event).toBe('scheduled');
    expect(got.data!.scheduled_at).toMatch(PG);
    const upd = await s.sdk.emails.update({ id: data!.id, scheduledAt: 'in 2 min' });
    expect(upd.data).toEqual({ object: 'email', id: data!.id });
    await s.admin('POST', '/_mirra/clock', { advance: '90s' });
    expect((await s.sdk.emails.get(data!.id)).data!.last_event).toBe('scheduled');
    await s.admin('POST', '/_mirra/clock', { advance: '31s' });
    expect((await s.sdk.emails.get(data!.id)).data!.last_event).toBe('sent');

    const other = await s.sdk.emails.send({ from: 'hello@mail.acme.com', to: 'alice@example.com', subject: 'never', html: 'x', scheduledAt: 'in 10 min' });
    const cancel = await s.sdk.emails.cancel(other.data!.id);
    expect(cancel.data).toEqual({ object: 'email', id: other.data!.id });
    await s.admin('POST', '/_mirra/clock', { advance: '20m' });
    expect((await s.sdk.emails.get(other.data!.id)).data!.last_event).toBe('canceled');
    const again = await s.sdk.emails.cancel(other.data!.id);
    expect(again.error).toEqual({ statusCode: 422, name: 'validation_error', message: `Email with id \`${other.data!.id}\` cannot be canceled because it is not scheduled.` });
    const reschedule = await s.sdk.emails.update({ id: other.data!.id, scheduledAt: 'in 5 min' });
    expect(reschedule.error).toEqual({ statusCode: 422, name: 'validation_error', message: `Email with id \`${other.data!.id}\` cannot be updated because it is not scheduled.` });
  });
});

describe('POST /emails/batch', () => {
  test('strict: all or nothing', async () => {
    const before = (await s.state()).emails.length;
    const ok = await s.sdk.batch.send([
      { from: 'hello@mail.acme.com', to: 'a@example.com', subject: '1', html: 'x' },
      { from: 'hello@mail.acme.com', to: 'b@example.com', subject: '2', text: 'x' },
    ]);
    expect(ok.error).toBeNull();
    expect(ok.data!.data).toHaveLength(2);
    expect(ok.data!.data[0].id).toMatch(UUID);
    const bad = await s.sdk.batch.send([
      { from: 'hello@mail.acme.com', to: 'a@example.com', subject: '1', html: 'x' },
      { from: 'hello@mail.acme.com', to: 'b@example.com', html: 'x' } as never,
    ]);
    expect(bad.error).toEqual({ statusCode: 422, name: 'missing_required_field', message: 'Missing `subject` field.' });
    expect((await s.state()).emails.length).toBe(before + 2);
  });

  test('permissive: valid emails are sent, the others reported by index', async () => {
    const r = await s.sdk.batch.send(
      [
        { from: 'hello@mail.acme.com', to: 'a@example.com', subject: '1', html: 'x' },
        { from: 'hello@nope.example.org', to: 'b@example.com', subject: '2', html: 'x' },
        { from: 'hello@mail.acme.com', to: 'c@example.com', subject: '3', html: 'x' },
      ],
      { batchValidation: 'permissive' },
    );
    expect(r.error).toBeNull();
    expect(r.data!.data).toHaveLength(2);
    expect(r.data!.errors).toEqual([{ index: 1, message: 'The nope.example.org domain is not verified. Please, add and verify your domain on https://resend.com/domains' }]);
  });

  test('bad batch bodies', async () => {
    expect((await s.http('POST', '/emails/batch', { from: 'x' })).body).toEqual({ statusCode: 422, name: 'validation_error', message: 'The request body must be an array of emails.' });
    expect((await s.http('POST', '/emails/batch', [])).body).toEqual({ statusCode: 422, name: 'validation_error', message: 'The request body must contain at least one email.' });
    const many = Array.from({ length: 101 }, () => ({ from: 'hello@mail.acme.com', to: 'a@example.com', subject: 's', html: 'x' }));
    expect((await s.http('POST', '/emails/batch', many)).body).toEqual({ statusCode: 422, name: 'validation_error', message: 'Too many emails in the batch. The maximum is 100.' });
    const att = [{ from: 'hello@mail.acme.com', to: 'a@example.com', subject: 's', html: 'x', attachments: [{ filename: 'a', content: 'aGk=' }] }];
    expect((await s.http('POST', '/emails/batch', att)).body).toEqual({ statusCode: 422, name: 'validation_error', message: 'Attachments are not supported in batch emails.' });
    const mode = await s.http('POST', '/emails/batch', [{ from: 'hello@mail.acme.com', to: 'a@example.com', subject: 's', html: 'x' }], { 'x-batch-validation': 'lenient' });
    expect(mode.body).toEqual({ statusCode: 422, name: 'validation_error', message: 'Invalid `x-batch-validation` header. Expected `strict` or `permissive`.' });
  });
});

describe('GET /emails (cursor pagination)', () => {
  test('newest first, limit/after/before, has_more', async () => {
    const t = await createSession('transactional-busy');
    const first = await t.sdk.emails.list({ limit: 40 });
    expect(first.error).toBeNull();
    expect(first.data!.object).toBe('list');
    expect(first.data!.has_more).toBe(true);
    expect(first.data!.data).toHaveLength(40);
    const times = first.data!.data.map((e) => e.created_at);
    expect([...times].sort().reverse()).toEqual(times);
    expect(Object.keys(first.data!.data[0]).sort()).toEqual(
      ['bcc', 'cc', 'created_at', 'from', 'id', 'last_event', 'message_id', 'reply_to', 'scheduled_at', 'subject', 'to', 'topic_id'].sort(),
    );
    const second = await t.sdk.emails.list({ limit: 40, after: first.data!.data[39].id });
    const third = await t.sdk.emails.list({ limit: 40, after: second.data!.data[39].id });
    expect(third.data!.data).toHaveLength(20);
    expect(third.data!.has_more).toBe(false);
    const ids = new Set([...first.data!.data, ...second.data!.data, ...third.data!.data].map((e) => e.id));
    expect(ids.size).toBe(100);
    const back = await t.sdk.emails.list({ limit: 40, before: second.data!.data[0].id });
    expect(back.data!.data.map((e) => e.id)).toEqual(first.data!.data.map((e) => e.id));
    expect(back.data!.has_more).toBe(false);
    const dflt = await t.sdk.emails.list();
    expect(dflt.data!.data).toHaveLength(20);
    const badLimit = await t.http('GET', '/emails?limit=500');
    expect(badLimit.body).toEqual({ statusCode: 422, name: 'validation_error', message: 'The `limit` parameter must be an integer between 1 and 100.' });
    const both = await t.http('GET', '/emails?after=a&before=b');
    expect(both.body).toEqual({ statusCode: 422, name: 'validation_error', message: 'You can only use one of `after` or `before` parameters.' });
  });
});

describe('idempotency', () => {
  test('same key + same body replays; different body conflicts; bad keys refused', async () => {
    const body = { from: 'hello@mail.acme.com', to: 'idem@example.com', subject: 'once', html: 'x' };
    const a = await s.sdk.emails.send(body, { idempotencyKey: 'welcome-user-42' });
    const b = await s.sdk.emails.send(body, { idempotencyKey: 'welcome-user-42' });
    expect(a.error).toBeNull();
    expect(b.data).toEqual(a.data);
    expect((await s.state()).emails.filter((e) => e.to[0] === 'idem@example.com')).toHaveLength(1);
    const c = await s.sdk.emails.send({ ...body, subject: 'twice?' }, { idempotencyKey: 'welcome-user-42' });
    expect(c.error).toEqual({ statusCode: 409, name: 'invalid_idempotent_request', message: 'Same idempotency key used with a different request payload.' });
    const d = await s.sdk.emails.send(body, { idempotencyKey: 'k'.repeat(257) });
    expect(d.error).toEqual({ statusCode: 400, name: 'invalid_idempotency_key', message: 'The key must be between 1-256 chars.' });
    const batch = [{ from: 'hello@mail.acme.com', to: 'idem-batch@example.com', subject: 'b', html: 'x' }];
    const e = await s.sdk.batch.send(batch, { idempotencyKey: 'batch-1' });
    const f = await s.sdk.batch.send(batch, { idempotencyKey: 'batch-1' });
    expect(f.data).toEqual(e.data);
    const g = await s.sdk.emails.send(body, { idempotencyKey: 'batch-1' });
    expect(g.error).toEqual({ statusCode: 409, name: 'invalid_idempotent_request', message: 'Same idempotency key used with a different request payload.' });
  });
});

describe('limits', () => {
  test('rate limit: 429 rate_limit_exceeded with ratelimit-* and retry-after headers', async () => {
    const r = await createSession({ data: { ...MAIL_ACME_SEED.data, settings: { rateLimitPerSecond: 2 } } });
    const one = await r.http('GET', '/domains');
    expect(one.headers.get('ratelimit-limit')).toBe('2');
    expect(one.headers.get('ratelimit-remaining')).toBe('1');
    await r.http('GET', '/domains');
    const three = await r.http('GET', '/domains');
    expect(three.status).toBe(429);
    expect(three.body).toEqual({
      statusCode: 429,
      name: 'rate_limit_exceeded',
      message: 'Too many requests. You can only make 2 requests per second. See rate limit response headers for more information. Or contact support to increase rate limit.',
    });
    expect(three.headers.get('ratelimit-remaining')).toBe('0');
    expect(three.headers.get('retry-after')).toBe('1');
    await r.admin('POST', '/_mirra/clock', { advance: '1s' });
    expect((await r.http('GET', '/domains')).status).toBe(200);
  });

  test('over-quota fixture: every send answers 429 daily_quota_exceeded', async () => {
    const q = await createSession('over-quota');
    const one = await q.sdk.emails.send({ from: 'hello@mail.acme.com', to: 'alice@example.com', subject: 'x', html: 'x' });
    expect(one.error).toEqual({ statusCode: 429, name: 'daily_quota_exceeded', message: 'You have reached your daily email sending quota.' });
    expect(Number(one.headers!['retry-after'])).toBeGreaterThan(0);
    const batch = await q.sdk.batch.send([{ from: 'hello@mail.acme.com', to: 'alice@example.com', subject: 'x', html: 'x' }]);
    expect(batch.error!.name).toBe('daily_quota_exceeded');
    expect((await q.state()).emails).toEqual([]);
  });
});
