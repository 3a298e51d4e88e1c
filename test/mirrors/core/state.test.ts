import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { call, removeDir, startHarness, tempDir, type Harness } from '../helpers.js';
import { acmeMirror } from '../acme/index.js';
import { MirrorEngineError, type MirrorEvent } from '../../../src/mirrors/core/index.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const titles = (rows: unknown[]) => (rows as Array<{ title: string }>).map((r) => r.title);

describe('seeding and reset', () => {
  test('seeds from a fixture; reset restores it and forgets idempotency keys, endpoints and rate counters', async () => {
    const a = h.host.create({ sessionId: 'ses_seed', vendor: 'acme', seed: { fixture: 'acme:busy' } });
    expect(a.state().notes).toEqual([
      { object: 'note', status: 'published', id: 'note_seed_1', title: 'First' },
      { object: 'note', status: 'draft', id: 'note_seed_2', title: 'Second' },
    ]);
    expect(a.state().authors).toEqual([{ id: 'auth_1', name: 'Ada' }]);

    await call(h.url, 'POST', '/notes', { key: a.apiKey, body: { title: 'new' }, headers: { 'idempotency-key': 'same' } });
    await call(h.url, 'POST', '/webhooks', { key: a.apiKey, body: { url: 'http://127.0.0.1:9/hook' } });
    expect(a.state().notes).toHaveLength(3);
    expect(a.state()._webhook_endpoints).toHaveLength(1);

    const reset = await call(h.url, 'POST', '/_mirra/state/reset', { key: a.apiKey, body: {} });
    expect(reset.status).toBe(200);
    expect(reset.json.seed).toBe('acme:busy');
    expect(titles(a.state().notes)).toEqual(['First', 'Second']);
    expect(a.state()._webhook_endpoints).toEqual([]);
    expect(a.state()._timers).toEqual([]);
    // The idempotency key is forgotten: the same key with other params is a new request.
    const again = await call(h.url, 'POST', '/notes', { key: a.apiKey, body: { title: 'different' }, headers: { 'idempotency-key': 'same' } });
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    // The trace survives the reset and records it.
    expect(a.trace({ kinds: ['lifecycle'] }).map((e) => e.data.action)).toEqual(['created', 'reset']);
    a.destroy();
  });

  test('rate-limited fixture: counters on the session clock, fresh after reset', async () => {
    const a = h.host.create({ sessionId: 'ses_rl', vendor: 'acme', seed: { fixture: 'rate-limited' }, clock: 'manual' });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(h.url, 'POST', '/notes', { key: a.apiKey, body: { title: `t${i}` } })).status);
    expect(statuses).toEqual([201, 201, 429]);
    const limited = await call(h.url, 'POST', '/notes', { key: a.apiKey, body: { title: 'x' } });
    expect(limited.json).toEqual({ statusCode: 429, message: 'Too many requests', name: 'rate_limit_exceeded' });
    expect(limited.headers['retry-after']).toBe('1');
    a.reset();
    expect((await call(h.url, 'POST', '/notes', { key: a.apiKey, body: { title: 'fresh' } })).status).toBe(201);
    a.destroy();
  });

  test('reset with another seed; seed errors are engine errors', async () => {
    const a = h.host.create({ sessionId: 'ses_reseed', vendor: 'acme', seed: { fixture: 'busy' } });
    const r = await call(h.url, 'POST', '/_mirra/state/reset', { key: a.apiKey, body: { seed: 'acme:empty' } });
    expect(r.json.seed).toBe('acme:empty');
    expect(a.state().notes).toEqual([]);
    a.reset(); // back to the new seed, not the original one
    expect(a.state().notes).toEqual([]);
    const unknown = await call(h.url, 'POST', '/_mirra/state/reset', { key: a.apiKey, body: { seed: 'acme:bussy' } });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error).toMatchObject({ code: 'mirra.seed.unknown_fixture', message: "Unknown fixture 'bussy' for mirror 'acme'. Did you mean 'busy'?" });
    const wrong = await call(h.url, 'POST', '/_mirra/state/reset', { key: a.apiKey, body: { seed: 'stripe:empty' } });
    expect(wrong.json.error.code).toBe('mirra.seed.wrong_mirror');
    expect(() => a.reset({ data: { mirror: 'acme', record: {} } })).toThrow(/unknown key 'record' \(did you mean 'records'\?\)/);
    expect(() => a.reset({ data: { mirror: 'acme', records: { notez: [] } } })).toThrow(expect.objectContaining({ code: 'mirra.seed.invalid', status: 400 }));
    expect(() => a.reset({ file: '/nonexistent/seed.json' })).toThrow(MirrorEngineError);
    a.reset({ data: { mirror: 'acme', records: { notes: [{ id: 'n1', title: 'inline' }] } } });
    expect(titles(a.state().notes)).toEqual(['inline']);
    a.destroy();
  });

  test('deterministic ids and a seed clock repeat exactly after reset', async () => {
    const a = h.host.create({ sessionId: 'ses_det', vendor: 'acme', seed: { fixture: 'deterministic' } });
    const first = (await call(h.url, 'POST', '/notes', { key: a.apiKey, body: { title: 'x' } })).json;
    expect(first.created_at).toBe('2026-04-22T18:00:00.000Z');
    a.reset();
    const second = (await call(h.url, 'POST', '/notes', { key: a.apiKey, body: { title: 'x' } })).json;
    expect(second).toEqual(first);
    a.destroy();
  });
});

describe('snapshots', () => {
  test('snapshot → change → restore gives back the same state; unknown id → 404', async () => {
    const a = h.host.create({ sessionId: 'ses_snap', vendor: 'acme', seed: { fixture: 'busy' } });
    await call(h.url, 'POST', '/notes', { key: a.apiKey, body: { title: 'kept' } });
    const before = a.state();
    const snap = await call(h.url, 'POST', '/_mirra/state/snapshot', { key: a.apiKey });
    expect(snap.json).toMatchObject({ vendor: 'acme', mirrorVersion: '1.2.0' });
    expect(snap.json.snapshotId).toMatch(/^snap_/);
    await call(h.url, 'POST', '/notes', { key: a.apiKey, body: { title: 'dropped' } });
    await call(h.url, 'PATCH', '/notes/note_seed_1', { key: a.apiKey, body: { title: 'changed' } });
    expect(a.state()).not.toEqual(before);
    const restored = await call(h.url, 'POST', '/_mirra/state/restore', { key: a.apiKey, body: { snapshotId: snap.json.snapshotId } });
    expect(restored.json).toEqual({ restored: true, snapshotId: snap.json.snapshotId });
    expect(a.state()).toEqual(before);
    const missing = await call(h.url, 'POST', '/_mirra/state/restore', { key: a.apiKey, body: { snapshotId: 'snap_nope' } });
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('mirra.snapshot.not_found');
    expect(a.listSnapshots().map((s) => s.snapshotId)).toEqual([snap.json.snapshotId]);
    a.destroy();
  });

  test('persistent instance: closed and reopened from its dir with nothing lost; another minor version refuses its snapshots', async () => {
    const dataDir = tempDir();
    const dir = join(dataDir, 'p1');
    const h1 = await startHarness([acmeMirror('1.2.0')], dataDir);
    const a = h1.host.create({ sessionId: 'ses_pers', vendor: 'acme', persistent: true, dir, seed: { fixture: 'busy' }, clock: 'manual' });
    const { apiKey, webhookSecret } = a;
    await call(h1.url, 'POST', '/notes', { key: apiKey, body: { title: 'durable' } });
    const snap = a.snapshot();
    await call(h1.url, 'POST', '/notes', { key: apiKey, body: { title: 'after snapshot' } });
    a.advanceClock(60_000);
    const state = a.state();
    const clock = a.clockInfo();
    await h1.close();
    expect(existsSync(join(dir, 'state.sqlite'))).toBe(true);
    expect(readdirSync(join(dir, 'snapshots')).sort()).toEqual([`${snap.snapshotId}.json`, `${snap.snapshotId}.sqlite`]);

    const h2 = await startHarness([acmeMirror('1.2.3')], dataDir);
    const b = h2.host.create({ sessionId: 'ses_pers', vendor: 'acme', persistent: true, dir, apiKey, webhookSecret });
    expect(b.state()).toEqual(state);
    expect(b.clockInfo()).toEqual(clock);
    expect((await call(h2.url, 'GET', '/notes', { key: apiKey })).json.data).toHaveLength(4);
    expect(b.listSnapshots().map((s) => s.snapshotId)).toEqual([snap.snapshotId]);
    b.restore(snap.snapshotId); // 1.2.0 → 1.2.3: same minor, accepted
    expect(titles(b.state().notes)).toEqual(['First', 'Second', 'durable']);
    b.reset();
    expect(titles(b.state().notes)).toEqual(['First', 'Second']);

    // A 1.3.0 instance given that snapshot file refuses it.
    const otherDir = join(dataDir, 'p2');
    const h3 = await startHarness([acmeMirror('1.3.0')], tempDir());
    const c = h3.host.create({ sessionId: 'ses_new', vendor: 'acme', persistent: true, dir: otherDir });
    mkdirSync(join(otherDir, 'snapshots'), { recursive: true });
    for (const ext of ['json', 'sqlite']) copyFileSync(join(dir, 'snapshots', `${snap.snapshotId}.${ext}`), join(otherDir, 'snapshots', `${snap.snapshotId}.${ext}`));
    const refused = await call(h3.url, 'POST', '/_mirra/state/restore', { key: c.apiKey, body: { snapshotId: snap.snapshotId } });
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe('mirra.snapshot.incompatible_version');
    expect(refused.json.error.message).toBe(`Snapshot '${snap.snapshotId}' was taken with acme 1.2.0; this mirror is acme 1.3.0, which cannot restore it.`);
    // Reopening 1.2.x state with 1.3.0 is refused the same way.
    await h2.close();
    expect(() => h3.host.create({ sessionId: 'ses_pers', vendor: 'acme', persistent: true, dir })).toThrow(expect.objectContaining({ code: 'mirra.state.incompatible_version', status: 409 }));
    c.destroy();
    expect(existsSync(join(otherDir, 'state.sqlite'))).toBe(false);
    await h3.close();
    removeDir(dataDir);
  });
});

describe('clock, timers, trace, events', () => {
  test('advance fires timers in due order (timers may schedule timers); events are published', async () => {
    const a = h.host.create({ sessionId: 'ses_clock', vendor: 'acme', clock: 'manual' });
    const events: MirrorEvent[] = [];
    const off = h.host.subscribe('ses_clock', (e) => events.push(e));
    const t0 = a.clockInfo().nowMs;
    const n1 = (await call(h.url, 'POST', '/notes', { key: a.apiKey, body: { title: 'one' } })).json;
    await call(h.url, 'POST', '/_mirra/clock', { key: a.apiKey, body: { advance: '1s' } });
    const n2 = (await call(h.url, 'POST', '/notes', { key: a.apiKey, body: { title: 'two' } })).json;
    expect((await call(h.url, 'GET', '/_mirra/clock', { key: a.apiKey })).json).toMatchObject({ mode: 'manual', nowMs: t0 + 1000, pendingTimers: 2 });

    const adv = await call(h.url, 'POST', '/_mirra/clock', { key: a.apiKey, body: { advance: '4500ms' } });
    expect(adv.json).toMatchObject({ timersFired: 1, nowMs: t0 + 5500 });
    expect(a.state().notes.map((n: any) => n.status)).toEqual(['published', 'draft']);
    expect((a.state().notes[0] as any).published_at).toBe(new Date(t0 + 5000).toISOString());
    const to = await call(h.url, 'POST', '/_mirra/clock', { key: a.apiKey, body: { to: new Date(t0 + 10_000).toISOString() } });
    expect(to.json.timersFired).toBe(1);
    expect(a.state().notes.map((n: any) => n.status)).toEqual(['published', 'published']);
    expect(a.trace({ kinds: ['timer'] }).map((e) => [e.data.kind, (e.data.payload as any).id, e.at])).toEqual([
      ['note.publish', n1.id, new Date(t0 + 5000).toISOString()],
      ['note.publish', n2.id, new Date(t0 + 6000).toISOString()],
    ]);
    const back = await call(h.url, 'POST', '/_mirra/clock', { key: a.apiKey, body: { to: new Date(t0).toISOString() } });
    expect(back.json.error.code).toBe('mirra.clock.backwards');
    expect((await call(h.url, 'POST', '/_mirra/clock', { key: a.apiKey, body: { advance: '5 weeks' } })).json.error.code).toBe('mirra.clock.invalid_duration');

    // A simulate event scheduling a timer at +0 fires it at once, even on a manual clock.
    await call(h.url, 'POST', '/_mirra/simulate', { key: a.apiKey, body: { event: 'note.published', id: n1.id } });
    const types = new Set(events.map((e) => e.type));
    expect([...types].sort()).toEqual(['state.changed', 'traffic.request_completed']);
    expect(events.find((e) => e.type === 'state.changed')).toMatchObject({ sessionId: 'ses_clock', data: { mirror: 'acme', entity: 'notes', entityId: n1.id, before: null } });
    expect(events.find((e) => e.type === 'traffic.request_completed')!.data).toMatchObject({ mirror: 'acme', method: 'POST', path: '/notes', status: 201 });
    a.reset();
    expect(events.at(-1)).toMatchObject({ type: 'session.lifecycle', data: { action: 'reset' } });
    off();

    const req = a.trace({ kinds: ['request'], limit: 1 })[0];
    expect(req.data).toMatchObject({ method: 'POST', path: '/notes', status: 201, requestBody: { title: 'two' }, responseBody: { title: 'two', status: 'draft' } });
    expect(a.trace({ since: req.id }).every((e) => e.id > req.id)).toBe(true);
    const viaHttp = await call(h.url, 'GET', `/_mirra/trace?kinds=state&limit=2`, { key: a.apiKey });
    expect(viaHttp.json.entries).toHaveLength(2);
    expect(viaHttp.json.entries.every((e: any) => e.kind === 'state')).toBe(true);
    a.destroy();
  });

  test('real clock: timers fire on their own', async () => {
    const a = h.host.create({ sessionId: 'ses_real', vendor: 'acme', seed: { data: { mirror: 'acme', settings: { publishDelayMs: 50 } } } });
    const n = (await call(h.url, 'POST', '/notes', { key: a.apiKey, body: { title: 'soon' } })).json;
    const deadline = Date.now() + 3000;
    while ((a.state().notes[0] as any).status !== 'published' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(a.state().notes).toEqual([expect.objectContaining({ id: n.id, status: 'published' })]);
    a.destroy();
  });

  test('simulate: runs the state change; unknown event → 400 listing names; rejected → vendor error carried', async () => {
    const a = h.host.create({ sessionId: 'ses_sim', vendor: 'acme', seed: { fixture: 'busy' } });
    const ok = await call(h.url, 'POST', '/_mirra/simulate', { key: a.apiKey, body: { event: 'note.flagged', id: 'note_seed_2' } });
    expect(ok.json).toEqual({ event: 'note.flagged', result: { id: 'note_seed_2', status: 'flagged' } });
    expect((a.state().notes[1] as any).status).toBe('flagged');
    const unknown = await call(h.url, 'POST', '/_mirra/simulate', { key: a.apiKey, body: { event: 'note.flaged' } });
    expect(unknown.status).toBe(400);
    expect(unknown.json).toEqual({
      error: {
        code: 'mirra.simulate.unknown_event',
        message: "Unknown simulate event 'note.flaged' for mirror 'acme'. Did you mean 'note.flagged'?",
        hint: 'Valid events for acme: note.flagged, note.published.',
        validEvents: ['note.flagged', 'note.published'],
      },
    });
    const rejected = await call(h.url, 'POST', '/_mirra/simulate', { key: a.apiKey, body: { event: 'note.flagged', id: 'missing' } });
    expect(rejected.status).toBe(404);
    expect(rejected.json.error).toMatchObject({ code: 'mirra.simulate.rejected', vendorError: { statusCode: 404, message: 'Note not found', name: 'not_found' } });
    a.destroy();
  });
});
