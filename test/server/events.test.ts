import { describe, expect, it } from 'vitest';
import { request } from 'undici';
import type { SessionEvent } from '../../src/client/index.js';
import { createServer, connect, type Socket } from 'node:net';
import { MirraClient } from '../../src/client/index.js';
import { join } from 'node:path';
import { acmeMirror } from '../mirrors/acme/index.js';
import { harness } from './helpers.js';

const engine = { mirrors: [acmeMirror()], fixturesDir: join(import.meta.dirname, '../mirrors/fixtures') };

/** A loopback TCP proxy whose connections can be cut, to simulate a dropped stream. */
async function proxy(target: string): Promise<{ url: string; drop(): void; close(): Promise<void> }> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const server = createServer((down) => {
    const up = connect(Number(port), hostname);
    for (const s of [down, up]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    down.pipe(up).pipe(down);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${addr.port}`,
    drop: () => {
      for (const s of sockets) s.destroy();
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}

async function collect(it: AsyncIterator<SessionEvent>, n: number): Promise<SessionEvent[]> {
  const out: SessionEvent[] = [];
  while (out.length < n) {
    const r = await it.next();
    if (r.done) break;
    out.push(r.value);
  }
  return out;
}

describe('GET /v1/sessions/{id}/events (SSE)', () => {
  it('streams engine events and control-plane lifecycle events, each with an id', async () => {
    const h = await harness({ ...engine, heartbeatMs: 50 });
    try {
      const s = await h.client.createSession({ mirrors: ['acme'] });
      const key = s.mirrors[0]!.apiKey;
      const ac = new AbortController();
      const stream = h.client.events(s.sessionId, { signal: ac.signal, lastEventId: '0' })[Symbol.asyncIterator]();
      const first = await collect(stream, 1);
      expect(first[0]).toMatchObject({ type: 'session.lifecycle', sessionId: s.sessionId, data: { event: 'created' } });
      await h.raw('POST', '/notes', { token: key, body: { title: 'a' } });
      await h.client.resetSession(s.sessionId);
      const next: SessionEvent[] = [];
      while (!next.some((e) => e.data.event === 'reset')) next.push(...(await collect(stream, 1)));
      const traffic = next.find((e) => e.type === 'traffic.request_completed')!;
      expect(traffic.data).toMatchObject({ mirror: 'acme', method: 'POST', path: '/notes', status: 201 });
      expect(next.some((e) => e.type === 'state.changed')).toBe(true);
      // the engine's per-mirror reset event comes before the control plane's session-level one
      expect(next.findIndex((e) => e.type === 'session.lifecycle' && e.data.action === 'reset')).toBeLessThan(next.findIndex((e) => e.data.event === 'reset'));
      const ids = [...first, ...next].map((e) => Number(e.id));
      expect([...ids].sort((a, b) => a - b)).toEqual(ids);
      expect(new Set(ids).size).toBe(ids.length);
      ac.abort();
    } finally {
      await h.close();
    }
  });

  it('speaks raw SSE: content type, ids, heartbeats', async () => {
    const h = await harness({ ...engine, heartbeatMs: 30 });
    try {
      const s = await h.client.createSession({ mirrors: ['acme'] });
      const ac = new AbortController();
      const res = await request(`${h.server.url}/v1/sessions/${s.sessionId}/events`, {
        headers: { authorization: `Bearer ${h.server.token}`, accept: 'text/event-stream', 'last-event-id': '0' },
        signal: ac.signal,
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/event-stream');
      expect(res.headers['x-mirra-ratelimit-limit']).toBeDefined();
      let text = '';
      res.body.setEncoding('utf8');
      for await (const chunk of res.body) {
        text += chunk;
        if (text.includes(': heartbeat')) break;
      }
      ac.abort();
      expect(text).toMatch(/^retry: \d+/);
      expect(text).toMatch(/id: \d+\nevent: session\.lifecycle\ndata: \{.*"event":"created"/);
    } finally {
      await h.close();
    }
  });

  it('resumes with Last-Event-ID: replays exactly what was missed', async () => {
    const h = await harness(engine);
    try {
      const s = await h.client.createSession({ mirrors: ['acme'] });
      const key = s.mirrors[0]!.apiKey;
      const ac = new AbortController();
      const stream = h.client.events(s.sessionId, { signal: ac.signal, lastEventId: '0' })[Symbol.asyncIterator]();
      const [created] = await collect(stream, 1);
      ac.abort();
      await stream.return?.(undefined);
      // while nobody listens
      for (let i = 0; i < 3; i++) await h.raw('POST', '/notes', { token: key, body: { title: `n${i}` } });
      const resumed = h.client.events(s.sessionId, { lastEventId: created!.id })[Symbol.asyncIterator]();
      const missed: SessionEvent[] = [];
      while (missed.filter((e) => e.type === 'traffic.request_completed').length < 3) missed.push(...(await collect(resumed, 1)));
      expect(missed.filter((e) => e.type === 'traffic.request_completed').map((e) => e.data.path)).toEqual(['/notes', '/notes', '/notes']);
      expect(missed.filter((e) => e.type === 'state.changed')).toHaveLength(3);
      expect(Number(missed[0]!.id)).toBeGreaterThan(Number(created!.id));
      // the session ends: the stream delivers the end event and finishes
      await h.client.deleteSession(s.sessionId);
      const rest: SessionEvent[] = [];
      for (;;) {
        const r = await resumed.next();
        if (r.done) break;
        rest.push(r.value);
      }
      expect(rest.at(-1)).toMatchObject({ type: 'session.lifecycle', data: { event: 'ended', reason: 'deleted' } });
      // a late reconnect after the end gets 204 (stop), the iterator ends at once
      const late = await request(`${h.server.url}/v1/sessions/${s.sessionId}/events`, { headers: { authorization: `Bearer ${h.server.token}`, 'last-event-id': rest.at(-1)!.id } });
      expect(late.statusCode).toBe(204);
      await late.body.dump();
    } finally {
      await h.close();
    }
  });

  it('the client reconnects with Last-Event-ID when the connection drops', async () => {
    const h = await harness(engine);
    try {
      const s = await h.client.createSession({ mirrors: ['acme'] });
      const key = s.mirrors[0]!.apiKey;
      const p = await proxy(h.server.url);
      const client = new MirraClient({ baseUrl: p.url, token: h.server.token, retry: { baseDelayMs: 20 } });
      const stream = client.events(s.sessionId, { lastEventId: '0' })[Symbol.asyncIterator]();
      await collect(stream, 1);
      p.drop(); // cut the stream mid-flight
      for (let i = 0; i < 2; i++) await h.raw('POST', '/notes', { token: key, body: { title: `n${i}` } });
      const got: SessionEvent[] = [];
      while (got.filter((e) => e.type === 'traffic.request_completed').length < 2) got.push(...(await collect(stream, 1)));
      expect(got.filter((e) => e.type === 'traffic.request_completed').map((e) => e.data.path)).toEqual(['/notes', '/notes']);
      const ids = got.map((e) => Number(e.id));
      expect(new Set(ids).size).toBe(ids.length); // nothing delivered twice across the reconnect
      await h.client.deleteSession(s.sessionId);
      const tail: SessionEvent[] = [];
      for (;;) {
        const r = await stream.next();
        if (r.done) break;
        tail.push(r.value);
      }
      expect(tail.at(-1)?.data.event).toBe('ended');
      await client.close();
      p.drop();
      await p.close();
    } finally {
      await h.close();
    }
  });
});
