import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectEnvelope, harness, type Harness } from './helpers.js';

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(async () => {
  await h.close();
});

describe('POST /v1/sessions', () => {
  it('creates an ephemeral session with credentials per mirror', async () => {
    const res = await h.raw('POST', '/v1/sessions', { body: { mirrors: ['alpha', 'beta'], seeds: { alpha: 'busy' } } });
    expect(res.status).toBe(201);
    const s = res.json;
    expect(s.sessionId).toMatch(/^ses_[a-z0-9]{4,}$/);
    expect(s.status).toBe('ready');
    expect(s.persistent).toBe(false);
    expect(s.name).toBe(s.sessionId);
    expect(s.mirrors).toHaveLength(2);
    expect(s.mirrors[0]).toMatchObject({ vendor: 'alpha', url: h.server.url, version: '0.0.1' });
    expect(s.mirrors[0].apiKey).toMatch(/^fk_/);
    expect(s.mirrors[0].webhookSecret).toMatch(/^whsec_/);
    expect(Date.parse(s.expiresAt) - Date.parse(s.createdAt)).toBe(3600_000);
    expect(s.seeds).toEqual({ alpha: { fixture: 'busy' } });
  });

  it('answers the spec envelope for an unknown mirror, byte for byte', async () => {
    const res = await h.raw('POST', '/v1/sessions', { body: { mirrors: ['github'] } });
    expect(res.status).toBe(400);
    expect(res.text).toBe(
      '{"error":{"code":"mirra.session.mirror_not_in_catalog","message":"Unknown mirror \'github\'. Not in the current catalog.","hint":"See https://mirra.run/docs/mirrors/overview for supported mirrors."}}',
    );
  });

  it('validates the body: unknown field with suggestion, types, required fields', async () => {
    let res = await h.raw('POST', '/v1/sessions', { body: { mirrors: ['alpha'], persistant: true } });
    expect(res.status).toBe(400);
    expectEnvelope(res.json, 'mirra.request.unknown_field');
    expect(res.json.error.message).toContain("'persistant'");
    expect(res.json.error.hint).toContain("Did you mean 'persistent'?");
    res = await h.raw('POST', '/v1/sessions', { body: { mirrors: 'alpha' } });
    expectEnvelope(res.json, 'mirra.request.invalid_type');
    expect(res.json.error.field).toBe('mirrors');
    res = await h.raw('POST', '/v1/sessions', { body: { mirrors: ['alpha'], timeoutSeconds: 1.5 } });
    expectEnvelope(res.json, 'mirra.request.invalid_type');
    res = await h.raw('POST', '/v1/sessions', { body: {} });
    expectEnvelope(res.json, 'mirra.request.missing_field');
    res = await h.raw('POST', '/v1/sessions', { body: { mirrors: [] } });
    expectEnvelope(res.json, 'mirra.request.invalid_value');
    res = await h.raw('POST', '/v1/sessions', { body: { mirrors: ['alpha'], seeds: { beta: 'x' } } });
    expectEnvelope(res.json, 'mirra.request.invalid_value');
    res = await h.raw('POST', '/v1/sessions', { body: { mirrors: ['alpha'], persistent: true } });
    expectEnvelope(res.json, 'mirra.session.name_required');
    res = await h.raw('POST', '/v1/sessions', { rawBody: '{"mirrors":', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expectEnvelope(res.json, 'mirra.request.invalid_json');
    res = await h.raw('POST', '/v1/sessions', { rawBody: '[1,2]' });
    expectEnvelope(res.json, 'mirra.request.invalid_type');
  });

  it('maps engine errors (bad seed) onto the envelope', async () => {
    const res = await h.raw('POST', '/v1/sessions', { body: { mirrors: ['alpha'], seeds: { alpha: 'broken' } } });
    expect(res.status).toBe(400);
    expectEnvelope(res.json, 'mirra.seed.unknown_fixture');
  });

  it('refuses a live name twice (409) and frees it once the session ends', async () => {
    const a = await h.client.createSession({ mirrors: ['alpha'], name: 'ci-run-42' });
    const res = await h.raw('POST', '/v1/sessions', { body: { mirrors: ['alpha'], name: 'ci-run-42' } });
    expect(res.status).toBe(409);
    expectEnvelope(res.json, 'mirra.session.name_in_use');
    await h.client.deleteSession(a.sessionId);
    const b = await h.client.createSession({ mirrors: ['alpha'], name: 'ci-run-42' });
    expect(b.sessionId).not.toBe(a.sessionId);
    // by name: the live one wins
    expect((await h.client.getSession('ci-run-42')).sessionId).toBe(b.sessionId);
  });

  it('rejects bodies over the limit with 413', async () => {
    const res = await h.raw('POST', '/v1/sessions', { rawBody: JSON.stringify({ mirrors: ['alpha'], pad: 'x'.repeat(2 * 1024 * 1024) }) });
    expect(res.status).toBe(413);
    expectEnvelope(res.json, 'mirra.request.body_too_large');
  });
});

describe('GET/DELETE /v1/sessions/{id}', () => {
  it('returns the session with stats, by id and by name', async () => {
    const s = await h.client.createSession({ mirrors: ['alpha'], name: 'stats-demo' });
    const key = s.mirrors[0]!.apiKey;
    await h.raw('POST', '/items', { token: key, body: { id: 'a', value: 1 } });
    await h.raw('GET', '/items', { token: key });
    const got = await h.client.getSession(s.sessionId);
    expect(got.stats).toEqual({ requests: 2, webhooks: 0, errors: 0, mirrors: { alpha: { requests: 2, webhooks: 0, errors: 0 } } });
    expect((await h.client.getSession('stats-demo')).sessionId).toBe(s.sessionId);
  });

  it('404s unknown sessions with the envelope', async () => {
    const res = await h.raw('GET', '/v1/sessions/ses_zzzz');
    expect(res.status).toBe(404);
    expectEnvelope(res.json, 'mirra.session.not_found');
  });

  it('DELETE ends an ephemeral session; mirror keys stop working; repeat DELETE is harmless', async () => {
    const s = await h.client.createSession({ mirrors: ['alpha'] });
    const ended = await h.client.deleteSession(s.sessionId);
    expect(ended.status).toBe('ended');
    expect(ended.endedAt).toBeTypeOf('string');
    const again = await h.raw('DELETE', `/v1/sessions/${s.sessionId}`);
    expect(again.status).toBe(200);
    expect(again.json.status).toBe('ended');
    const reset = await h.raw('POST', `/v1/sessions/${s.sessionId}/reset`, { body: {} });
    expect(reset.status).toBe(409);
    expectEnvelope(reset.json, 'mirra.session.ended');
  });
});

describe('GET /v1/sessions (list)', () => {
  it('sorts by createdAt desc and pages with cursors', async () => {
    const created: string[] = [];
    for (let i = 0; i < 7; i++) created.push((await h.client.createSession({ mirrors: ['beta'], name: `page-${i}` })).sessionId);
    const first = await h.client.listSessions({ limit: 3, status: 'ready', mode: 'ephemeral' });
    expect(first.data).toHaveLength(3);
    expect(first.hasMore).toBe(true);
    expect(first.data[0]!.sessionId).toBe(created[6]);
    const seen: string[] = [];
    for await (const s of h.client.allSessions({ limit: 2, status: 'ready' })) seen.push(s.sessionId);
    for (const id of created) expect(seen).toContain(id);
    expect(new Set(seen).size).toBe(seen.length);
    const named = await h.client.listSessions({ name: 'page-3' });
    expect(named.data.map((s) => s.sessionId)).toEqual([created[3]]);
  });

  it('validates query parameters', async () => {
    let res = await h.raw('GET', '/v1/sessions?limt=3');
    expectEnvelope(res.json, 'mirra.request.unknown_field');
    expect(res.json.error.hint).toContain("'limit'");
    res = await h.raw('GET', '/v1/sessions?limit=0');
    expectEnvelope(res.json, 'mirra.request.invalid_value');
    res = await h.raw('GET', '/v1/sessions?mode=forever');
    expectEnvelope(res.json, 'mirra.request.invalid_value');
    res = await h.raw('GET', '/v1/sessions?cursor=nope');
    expectEnvelope(res.json, 'mirra.request.invalid_cursor');
    res = await h.raw('GET', '/v1/sessions?workspace=ws_other');
    expect(res.status).toBe(403);
    expectEnvelope(res.json, 'mirra.auth.forbidden');
    res = await h.raw('GET', '/v1/sessions?workspace=ws_default');
    expect(res.status).toBe(200);
  });
});

describe('reset, snapshots, restore', () => {
  it('resets to the seed and reports timing per mirror', async () => {
    const s = await h.client.createSession({ mirrors: ['alpha', 'beta'], seeds: { alpha: { data: [{ id: 'seeded', value: 0 }] } } });
    const key = s.mirrors[0]!.apiKey;
    await h.raw('POST', '/items', { token: key, body: { id: 'x', value: 1 } });
    expect((await h.raw('GET', '/items', { token: key })).json.data).toHaveLength(2);
    const r = await h.client.resetSession(s.sessionId, { mirrors: ['alpha'] });
    expect(r.mirrors.map((m) => m.vendor)).toEqual(['alpha']);
    expect(r.mirrors[0]!.durationMs).toBeTypeOf('number');
    expect((await h.raw('GET', '/items', { token: key })).json.data).toEqual([{ id: 'seeded', value: 0 }]);
    const bad = await h.raw('POST', `/v1/sessions/${s.sessionId}/reset`, { body: { mirrors: ['gamma'] } });
    expectEnvelope(bad.json, 'mirra.session.mirror_not_in_session');
  });

  it('snapshots every mirror under one id and restores it', async () => {
    const s = await h.client.createSession({ mirrors: ['alpha', 'beta'] });
    const key = s.mirrors[0]!.apiKey;
    await h.raw('POST', '/items', { token: key, body: { id: 'before', value: 1 } });
    const snap = await h.client.snapshotSession(s.sessionId);
    expect(snap.snapshotId).toMatch(/^snap_/);
    expect(snap.mirrors.map((m) => m.vendor)).toEqual(['alpha', 'beta']);
    await h.raw('POST', '/items', { token: key, body: { id: 'after', value: 2 } });
    const restored = await h.client.restoreSession(s.sessionId, snap.snapshotId);
    expect(restored.mirrors).toHaveLength(2);
    expect((await h.raw('GET', '/items', { token: key })).json.data.map((i: any) => i.id)).toEqual(['before']);
    expect((await h.client.listSnapshots(s.sessionId)).data.map((g) => g.snapshotId)).toEqual([snap.snapshotId]);

    const named = await h.client.snapshotSession(s.sessionId, { snapshotId: 'snap_release-1' });
    expect(named.snapshotId).toBe('snap_release-1');
    const dup = await h.raw('POST', `/v1/sessions/${s.sessionId}/snapshots`, { body: { snapshotId: 'snap_release-1' } });
    expect(dup.status).toBe(409);
    expectEnvelope(dup.json, 'mirra.snapshot.exists');
    const missing = await h.raw('POST', `/v1/sessions/${s.sessionId}/restore`, { body: { snapshotId: 'snap_nope' } });
    expect(missing.status).toBe(404);
    expectEnvelope(missing.json, 'mirra.snapshot.not_found');
    // another session's snapshot is not found from here
    const other = await h.client.createSession({ mirrors: ['alpha', 'beta'] });
    const cross = await h.raw('POST', `/v1/sessions/${other.sessionId}/restore`, { body: { snapshotId: snap.snapshotId } });
    expect(cross.status).toBe(404);
  });
});

describe('routing errors', () => {
  it('404 unknown routes and 405 wrong methods', async () => {
    let res = await h.raw('GET', '/v1/nothing');
    expect(res.status).toBe(404);
    expectEnvelope(res.json, 'mirra.request.not_found');
    res = await h.raw('PUT', '/v1/sessions');
    expect(res.status).toBe(405);
    expectEnvelope(res.json, 'mirra.request.method_not_allowed');
    expect(res.headers.allow).toContain('POST');
  });

  it('GET /healthz needs no token; GET /v1/mirrors lists the catalog', async () => {
    expect((await h.raw('GET', '/healthz', { token: null })).json).toEqual({ ok: true });
    const res = await h.client.catalog();
    expect(res.data.map((m) => m.name)).toEqual(['alpha', 'beta']);
  });
});
