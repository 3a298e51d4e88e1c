import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { call, startHarness, type Harness } from '../helpers.js';
import { MirrorEngineError } from '../../../src/mirrors/core/index.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe('credential routing on one origin', () => {
  test('two sessions never see each other; unknown key → vendor 401; no key on an owned path → vendor 401', async () => {
    const a = h.host.create({ sessionId: 'ses_aaaa', vendor: 'acme' });
    const b = h.host.create({ sessionId: 'ses_bbbb', vendor: 'acme' });
    expect(a.apiKey).toMatch(/^acme_[A-Za-z0-9]{32}$/);
    expect(a.webhookSecret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(a.apiKey).not.toBe(b.apiKey);

    const created = await call(h.url, 'POST', '/notes', { key: a.apiKey, body: { title: 'only in A' } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ object: 'note', title: 'only in A', status: 'draft' });
    expect(created.headers['x-mirra-version']).toBe('acme@1.2.0 · api=2025-01-01');
    expect(created.headers['x-acme-request']).toBe('POST /notes');

    expect((await call(h.url, 'GET', '/notes', { key: a.apiKey })).json.data).toHaveLength(1);
    expect((await call(h.url, 'GET', '/notes', { key: b.apiKey })).json.data).toEqual([]);
    expect((await call(h.url, 'GET', `/notes/${created.json.id}`, { key: b.apiKey })).status).toBe(404);

    const unknown = await call(h.url, 'GET', '/notes', { key: 'acme_doesnotexist' });
    expect(unknown.status).toBe(403);
    expect(unknown.json).toEqual({ statusCode: 403, message: 'API key is invalid', name: 'invalid_api_key' });

    const missing = await call(h.url, 'GET', '/notes');
    expect(missing.status).toBe(401);
    expect(missing.json).toEqual({ statusCode: 401, message: 'Missing API key in the authorization header', name: 'missing_api_key' });

    // Not a mirror's credential nor path: the control plane answers.
    const cp = await call(h.url, 'GET', '/v1/sessions', { key: 'mt_controlplane' });
    expect(cp.status).toBe(404);
    expect(cp.text).toBe('control plane');
    a.destroy();
    b.destroy();
  });

  test('50 instances in parallel, no crossing', async () => {
    const instances = Array.from({ length: 50 }, (_, i) => h.host.create({ sessionId: `ses_p${i}`, vendor: 'acme' }));
    await Promise.all(
      instances.map(async (inst, i) => {
        for (let n = 0; n < 3; n++) {
          const r = await call(h.url, 'POST', '/notes', { key: inst.apiKey, body: { title: `s${i}-n${n}` } });
          expect(r.status).toBe(201);
        }
      }),
    );
    const lists = await Promise.all(instances.map((inst) => call(h.url, 'GET', '/notes', { key: inst.apiKey })));
    lists.forEach((l, i) => expect(l.json.data.map((n: { title: string }) => n.title)).toEqual([`s${i}-n0`, `s${i}-n1`, `s${i}-n2`]));
    for (const inst of instances) inst.destroy();
  });

  test('Basic AccountSid:token credentials (Twilio style) and form bodies; a wrong token is refused', async () => {
    const f = h.host.create({ sessionId: 'ses_form', vendor: 'formy' });
    const auth = 'Basic ' + Buffer.from(`${f.apiKey}:${f.webhookSecret}`).toString('base64');
    const r = await call(h.url, 'POST', `/2010-04-01/Accounts/${f.apiKey}/Messages.json`, {
      auth,
      raw: 'To=%2B15551234567&Body=hi+there&MediaUrl=a&MediaUrl=b',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ to: '+15551234567', body: 'hi there', media: ['a', 'b'], account_sid: f.apiKey });
    expect(r.json.id).toMatch(/^SM/);
    const wrong = await call(h.url, 'POST', `/2010-04-01/Accounts/${f.apiKey}/Messages.json`, { auth: 'Basic ' + Buffer.from(`${f.apiKey}:nope`).toString('base64'), raw: 'To=1' });
    expect(wrong.status).toBe(401);
    expect(wrong.json.code).toBe(20003);
    f.destroy();
  });

  test('unknown mirror and unknown version are engine errors', () => {
    let err: unknown;
    try {
      h.host.create({ sessionId: 'ses_x', vendor: 'github' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MirrorEngineError);
    expect(err).toMatchObject({
      code: 'mirra.session.mirror_not_in_catalog',
      message: "Unknown mirror 'github'. Not in the current catalog.",
      hint: 'See https://mirra.run/docs/mirrors/overview for supported mirrors.',
      status: 400,
    });
    expect(() => h.host.create({ sessionId: 'ses_x', vendor: 'acme', version: '9.9.9' })).toThrow(/no version '9.9.9'/);
    expect(h.host.catalog()).toEqual(['acme', 'formy']);
    expect(h.host.metadata('acme')).toMatchObject({
      name: 'acme',
      version: '1.2.0',
      apiVersion: '2025-01-01',
      webhookEventTypes: ['note.created', 'note.published', 'note.flagged'],
      fixtures: ['busy', 'deterministic', 'empty', 'rate-limited'],
    });
  });
});

describe('request pipeline', () => {
  test('a throwing handler → vendor 500, rolled back, traced, server alive', async () => {
    const a = h.host.create({ sessionId: 'ses_boom', vendor: 'acme' });
    const boom = await call(h.url, 'POST', '/boom', { key: a.apiKey, body: {} });
    expect(boom.status).toBe(500);
    expect(boom.json).toEqual({ statusCode: 500, message: 'An unexpected error occurred.', name: 'internal_server_error' });

    const note = (await call(h.url, 'POST', '/notes', { key: a.apiKey, body: { title: 'before' } })).json;
    const exploded = await call(h.url, 'PATCH', `/notes/${note.id}`, { key: a.apiKey, body: { title: 'after', explode: true } });
    expect(exploded.status).toBe(500);
    expect((await call(h.url, 'GET', `/notes/${note.id}`, { key: a.apiKey })).json.title).toBe('before');
    const errors = a.trace({ kinds: ['error'] });
    expect(errors.map((e) => e.data.message)).toEqual(['handler bug', 'kaboom after write']);
    expect(a.stats()).toEqual({ requests: 4, webhooks: 0, errors: 4 });
    expect((await call(h.url, 'GET', '/notes', { key: a.apiKey })).status).toBe(200);
    a.destroy();
  });

  test('malformed JSON → vendor 400; oversized body → vendor 413; unknown route → vendor 404/405', async () => {
    const a = h.host.create({ sessionId: 'ses_bodies', vendor: 'acme' });
    const bad = await call(h.url, 'POST', '/notes', { key: a.apiKey, raw: '{"title": ', headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(bad.json.name).toBe('validation_error');
    expect(bad.json.message).toMatch(/^Invalid JSON body/);
    const big = await call(h.url, 'POST', '/notes', { key: a.apiKey, body: { title: 'x'.repeat(70 * 1024) } });
    expect(big.status).toBe(413);
    expect(big.json).toEqual({ statusCode: 413, message: 'Request body too large', name: 'validation_error' });
    expect((await call(h.url, 'GET', '/nope', { key: a.apiKey })).status).toBe(404);
    expect((await call(h.url, 'DELETE', '/notes', { key: a.apiKey })).json.name).toBe('method_not_allowed');
    const echo = await call(h.url, 'POST', '/echo?expand[]=a&expand[]=b', { key: a.apiKey, raw: 'a[b][0]=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(echo.json).toEqual({ body: { a: { b: ['1'] } }, query: { expand: ['a', 'b'] } });
    expect(a.state().notes).toEqual([]);
    a.destroy();
  });

  test('idempotent replay, params mismatch, other endpoint, invalid key; failures not stored', async () => {
    const a = h.host.create({ sessionId: 'ses_idem', vendor: 'acme' });
    const first = await call(h.url, 'POST', '/notes', { key: a.apiKey, body: { title: 'once' }, headers: { 'idempotency-key': 'k1' } });
    const again = await call(h.url, 'POST', '/notes', { key: a.apiKey, body: { title: 'once' }, headers: { 'idempotency-key': 'k1' } });
    expect(again.status).toBe(201);
    expect(again.text).toBe(first.text);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(a.state().notes).toHaveLength(1);

    const mismatch = await call(h.url, 'POST', '/notes', { key: a.apiKey, body: { title: 'other' }, headers: { 'idempotency-key': 'k1' } });
    expect(mismatch.status).toBe(409);
    expect(mismatch.json).toEqual({ statusCode: 409, message: 'Same idempotency key used with a different request payload.', name: 'invalid_idempotent_request' });

    const tooLong = await call(h.url, 'POST', '/notes', { key: a.apiKey, body: { title: 'x' }, headers: { 'idempotency-key': 'k'.repeat(257) } });
    expect(tooLong.json.name).toBe('invalid_idempotency_key');

    // A 422 is not stored: the same key with fixed params then succeeds.
    const invalid = await call(h.url, 'POST', '/notes', { key: a.apiKey, body: {}, headers: { 'idempotency-key': 'k2' } });
    expect(invalid.status).toBe(422);
    const fixed = await call(h.url, 'POST', '/notes', { key: a.apiKey, body: { title: 'fixed' }, headers: { 'idempotency-key': 'k2' } });
    expect(fixed.status).toBe(201);
    expect(a.state().notes).toHaveLength(2);
    a.destroy();
  });

  test('admin endpoints need the instance key and answer in the Mirra envelope', async () => {
    const a = h.host.create({ sessionId: 'ses_admin', vendor: 'acme' });
    const none = await call(h.url, 'GET', '/_mirra/state');
    expect(none.status).toBe(401);
    expect(none.json.error.code).toBe('mirra.auth.missing_key');
    expect((await call(h.url, 'GET', '/_mirra/state', { key: 'acme_wrong' })).json.error.code).toBe('mirra.auth.invalid_key');
    const meta = await call(h.url, 'GET', '/_mirra/metadata', { key: a.apiKey });
    expect(meta.status).toBe(200);
    expect(meta.headers['x-mirra-version']).toBe('acme@1.2.0 · api=2025-01-01');
    expect(meta.json).toMatchObject({ name: 'acme', sessionId: 'ses_admin', simulateEvents: [{ name: 'note.flagged' }, { name: 'note.published' }] });
    expect(meta.json.endpoints).toContainEqual({ method: 'POST', path: '/notes', idempotent: true, description: null });
    const nope = await call(h.url, 'GET', '/_mirra/nope', { key: a.apiKey });
    expect(nope.status).toBe(404);
    expect(nope.json.error.code).toBe('mirra.admin.not_found');
    const badJson = await call(h.url, 'POST', '/_mirra/clock', { key: a.apiKey, raw: '{', headers: { 'content-type': 'application/json' } });
    expect(badJson.status).toBe(400);
    expect(badJson.json.error.code).toBe('mirra.request.invalid_json');
    a.destroy();
  });
});
