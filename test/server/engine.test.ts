/**
 * The control plane over the real mirror engine, with the test-only `acme`
 * mirror (test/mirrors/acme) and its fixtures.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/server/index.js';
import { MirraClient, type SessionEvent } from '../../src/client/index.js';
import { acmeMirror } from '../mirrors/acme/index.js';
import { harness, type Harness } from './helpers.js';

const fixturesDir = join(import.meta.dirname, '../mirrors/fixtures');
const engine = () => ({ mirrors: [acmeMirror()], fixturesDir });

let h: Harness;
beforeAll(async () => {
  h = await harness(engine());
});
afterAll(async () => {
  await h.close();
});

const notes = async (key: string) => (await h.raw('GET', '/notes', { token: key })).json.data as { id: string; title: string }[];

describe('sessions over the real engine', () => {
  it('serves the catalog and the exact unknown-mirror envelope', async () => {
    expect((await h.client.catalog()).data.map((m) => m.name)).toEqual(['acme']);
    const res = await h.raw('POST', '/v1/sessions', { body: { mirrors: ['github'] } });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      error: {
        code: 'mirra.session.mirror_not_in_catalog',
        message: "Unknown mirror 'github'. Not in the current catalog.",
        hint: 'See https://mirra.run/docs/mirrors/overview for supported mirrors.',
      },
    });
  });

  it('50 sessions created in parallel share no state', async () => {
    const started = performance.now();
    const sessions = await Promise.all(Array.from({ length: 50 }, () => h.client.createSession({ mirrors: ['acme'], seeds: { acme: 'busy' } })));
    const elapsed = performance.now() - started;
    console.log(`created 50 sessions in parallel in ${elapsed.toFixed(1)} ms (${(elapsed / 50).toFixed(2)} ms each)`);
    expect(new Set(sessions.map((s) => s.sessionId)).size).toBe(50);
    expect(new Set(sessions.map((s) => s.mirrors[0]!.apiKey)).size).toBe(50);
    await Promise.all(
      sessions.map(async (s) => {
        const res = await h.raw('POST', '/notes', { token: s.mirrors[0]!.apiKey, body: { title: `from ${s.sessionId}` } });
        expect(res.status).toBe(201);
      }),
    );
    await Promise.all(
      sessions.map(async (s, i) => {
        const mine = await notes(s.mirrors[0]!.apiKey);
        expect(mine.map((n) => n.title).sort()).toEqual(['First', 'Second', `from ${s.sessionId}`].sort());
        // another session's key sees only that session's note
        const other = sessions[(i + 1) % 50]!;
        const theirs = await notes(other.mirrors[0]!.apiKey);
        expect(theirs.map((n) => n.title)).not.toContain(`from ${s.sessionId}`);
        expect(theirs.map((n) => n.title)).toContain(`from ${other.sessionId}`);
      }),
    );
    await Promise.all(sessions.map((s) => h.client.deleteSession(s.sessionId)));
  });

  it('creates are milliseconds; pool hits after a delete', async () => {
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      const s = await h.client.createSession({ mirrors: ['acme'], seeds: { acme: 'busy' } });
      times.push(performance.now() - t0);
      await h.client.deleteSession(s.sessionId);
      await new Promise((r) => setImmediate(r));
    }
    times.sort((a, b) => a - b);
    console.log(`session create over HTTP: median ${times[10]!.toFixed(2)} ms, max ${times[19]!.toFixed(2)} ms`);
    expect(times[10]).toBeLessThan(100);
  });

  it('reset (also to another seed), snapshots and restore through the control plane', async () => {
    const s = await h.client.createSession({ mirrors: ['acme'] });
    const key = s.mirrors[0]!.apiKey;
    expect(await notes(key)).toEqual([]);
    await h.raw('POST', '/notes', { token: key, body: { title: 'one' } });
    const snap = await h.client.snapshotSession(s.sessionId);
    expect(snap.mirrors[0]).toMatchObject({ vendor: 'acme', mirrorVersion: '1.2.0' });
    await h.raw('POST', '/notes', { token: key, body: { title: 'two' } });
    expect((await notes(key)).map((n) => n.title)).toEqual(['one', 'two']);
    await h.client.restoreSession(s.sessionId, snap.snapshotId);
    expect((await notes(key)).map((n) => n.title)).toEqual(['one']);
    const r = await h.client.resetSession(s.sessionId);
    expect(r.mirrors[0]!.durationMs).toBeLessThan(100);
    expect(await notes(key)).toEqual([]);
    await h.client.resetSession(s.sessionId, { seeds: { acme: 'acme:busy' } });
    expect((await notes(key)).map((n) => n.title).sort()).toEqual(['First', 'Second']);
    const bad = await h.raw('POST', `/v1/sessions/${s.sessionId}/reset`, { body: { seeds: { acme: 'nope' } } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toMatch(/^mirra\./);
  });

  it('stats, state and settle at session level', async () => {
    const s = await h.client.createSession({ mirrors: ['acme'], clock: 'manual' });
    const key = s.mirrors[0]!.apiKey;
    await h.raw('POST', '/notes', { token: key, body: { title: 'x' } });
    await h.raw('POST', '/notes', { token: key, body: {} });
    const got = await h.client.getSession(s.sessionId);
    expect(got.stats).toMatchObject({ requests: 2, mirrors: { acme: { requests: 2 } } });
    const state = await h.client.sessionState(s.sessionId);
    expect((state.mirrors.acme!.notes as unknown[]).length).toBe(1);
    const settled = await h.client.settleSession(s.sessionId, { horizonMs: 60_000 });
    expect(settled.mirrors[0]).toMatchObject({ vendor: 'acme' });
  });

  it('mirror admin calls through the client', async () => {
    const s = await h.client.createSession({ mirrors: ['acme'], seeds: { acme: 'busy' }, clock: 'manual' });
    const m = h.client.mirror(s.mirrors[0]!);
    expect((await m.metadata()).name).toBe('acme');
    expect((await m.state()).notes).toHaveLength(2);
    await h.raw('POST', '/notes', { token: s.mirrors[0]!.apiKey, body: { title: 'three' } });
    const snap = await m.snapshot();
    expect(snap.snapshotId).toBeTypeOf('string');
    await m.reset();
    expect((await m.state()).notes).toHaveLength(2);
    await m.restore(snap.snapshotId);
    expect((await m.state()).notes).toHaveLength(3);
    const before = await m.clock();
    await m.clock({ advance: '10s' });
    const after = await m.clock();
    expect(Date.parse(after.now as string) - Date.parse(before.now as string)).toBeGreaterThanOrEqual(10_000);
    await m.settle({ horizon: '1m' });
    expect((await m.trace({ limit: 5 })).entries.length).toBeGreaterThan(0);
    expect((await m.stats()).requests).toBeGreaterThanOrEqual(1);
    const err = await h.client.mirror({ url: s.mirrors[0]!.url, apiKey: 'acme_nope' }).state().catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 401 });
  });

  it('streams engine events (traffic, state changes) over SSE', async () => {
    const s = await h.client.createSession({ mirrors: ['acme'] });
    const ac = new AbortController();
    const it = h.client.events(s.sessionId, { signal: ac.signal, lastEventId: '0' })[Symbol.asyncIterator]();
    await h.raw('POST', '/notes', { token: s.mirrors[0]!.apiKey, body: { title: 'evented' } });
    const seen: SessionEvent[] = [];
    while (!seen.some((e) => e.type === 'traffic.request_completed')) seen.push((await it.next()).value as SessionEvent);
    const types = new Set(seen.map((e) => e.type));
    expect(types.has('session.lifecycle')).toBe(true);
    expect(types.has('state.changed')).toBe(true);
    expect(seen.every((e) => e.sessionId === s.sessionId)).toBe(true);
    ac.abort();
  });
});

describe('persistent sessions', () => {
  it('survive close() and a new startServer on the same dataDir, state and snapshots included', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mirra-persist-'));
    try {
      let server = await startServer({ ...engine(), dataDir, log: () => {} });
      let client = new MirraClient({ baseUrl: server.url, token: server.token, retry: { retries: 0 } });
      const s = await client.createSession({ mirrors: ['acme'], seeds: { acme: 'busy' }, persistent: true, name: 'staging-acme' });
      expect(s.persistent).toBe(true);
      expect(s.expiresAt).toBeUndefined();
      const key = s.mirrors[0]!.apiKey;
      const post = (title: string) => client.mirror(s.mirrors[0]!) && fetchJson(server.url, 'POST', '/notes', key, { title });
      await post('kept');
      const snap = await client.snapshotSession('staging-acme');
      await post('after snapshot');
      await client.close();
      await server.close();

      server = await startServer({ ...engine(), dataDir, log: () => {} });
      client = new MirraClient({ baseUrl: server.url, token: server.token, retry: { retries: 0 } });
      const again = await client.getSession('staging-acme');
      expect(again).toMatchObject({ sessionId: s.sessionId, status: 'ready', persistent: true });
      expect(again.mirrors[0]!.apiKey).toBe(key);
      expect(again.mirrors[0]!.webhookSecret).toBe(s.mirrors[0]!.webhookSecret);
      const titles = async () => ((await fetchJson(server.url, 'GET', '/notes', key)) as { data: { title: string }[] }).data.map((n) => n.title).sort();
      expect(await titles()).toEqual(['First', 'Second', 'after snapshot', 'kept'].sort());
      expect((await client.listSnapshots(s.sessionId)).data.map((g) => g.snapshotId)).toEqual([snap.snapshotId]);
      await client.restoreSession(s.sessionId, snap.snapshotId);
      expect(await titles()).toEqual(['First', 'Second', 'kept'].sort());
      await client.resetSession(s.sessionId);
      expect(await titles()).toEqual(['First', 'Second']);
      // ending a persistent session archives its files
      const ended = await client.deleteSession('staging-acme');
      expect(ended.status).toBe('archived');
      expect(ended.archiveDir).toBe(join(dataDir, 'archive', s.sessionId));
      expect(existsSync(join(dataDir, 'archive', s.sessionId, 'acme'))).toBe(true);
      expect(existsSync(join(dataDir, 'sessions', s.sessionId))).toBe(false);
      // the name is free again
      expect((await client.createSession({ mirrors: ['acme'], persistent: true, name: 'staging-acme' })).sessionId).not.toBe(s.sessionId);
      await client.close();
      await server.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('ephemeral sessions do not survive a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mirra-eph-'));
    try {
      let server = await startServer({ ...engine(), dataDir, log: () => {} });
      let client = new MirraClient({ baseUrl: server.url, token: server.token, retry: { retries: 0 } });
      const s = await client.createSession({ mirrors: ['acme'] });
      await client.close();
      await server.close();
      server = await startServer({ ...engine(), dataDir, log: () => {} });
      client = new MirraClient({ baseUrl: server.url, token: server.token, retry: { retries: 0 } });
      const got = await client.getSession(s.sessionId);
      expect(got.status).toBe('ended');
      expect((await fetch(`${server.url}/notes`, { headers: { authorization: `Bearer ${s.mirrors[0]!.apiKey}` } })).status).toBe(403);
      await client.close();
      await server.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

async function fetchJson(base: string, method: string, path: string, key: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return res.json();
}
