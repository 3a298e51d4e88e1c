import { describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { join } from 'node:path';
import { acmeMirror } from '../mirrors/acme/index.js';
import { harness } from './helpers.js';

/** Deterministic PRNG so a failure replays. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('fuzz: 2,000 malformed requests', () => {
  it('never answers 5xx, always an envelope, and stays alive', async () => {
    const h = await harness({ bodyLimit: 64 * 1024, rateLimit: 1_000_000, mirrors: [acmeMirror()], fixturesDir: join(import.meta.dirname, '../mirrors/fixtures') });
    const agent = new Agent({ connections: 16 });
    const rand = rng(0xc0ffee);
    const pick = <T,>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const live = await h.client.createSession({ mirrors: ['acme'] });
    const paths = [
      '/v1/sessions', `/v1/sessions/${live.sessionId}`, `/v1/sessions/${live.sessionId}/reset`, `/v1/sessions/${live.sessionId}/snapshots`,
      `/v1/sessions/${live.sessionId}/restore`, '/v1/runs', '/v1/runs/run_abcdef', '/v1/sessions/%E0%A4%A', '/v1/sessions/..%2F..%2Fetc',
      '/v1//sessions', '/v1/sessions?limit=-1', '/v1/sessions?cursor=%00', '/v1/runs?limit=abc', '/v1', '/', '/v2/x', '/v1/sessions/ses_a/evil/x',
      `/v1/sessions/${'a'.repeat(3000)}`, '/v1/sessions?mode=persistent&mode=x', '/v1/runs/run_x/results', '/v1/mirrors?x=1',
    ];
    const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'PROPFIND', 'TRACE'];
    const bodies: (() => string | Buffer | undefined)[] = [
      () => undefined,
      () => '{',
      () => 'null',
      () => '[]',
      () => '"str"',
      () => '12',
      () => JSON.stringify({ mirrors: 5 }),
      () => JSON.stringify({ mirrors: [1, 2] }),
      () => JSON.stringify({ mirrors: ['acme'], seeds: [] }),
      () => JSON.stringify({ mirrors: ['acme'], seeds: { alpha: 5 } }),
      () => JSON.stringify({ mirrors: ['acme'], timeoutSeconds: 'x' }),
      () => JSON.stringify({ mirrors: ['acme'], timeoutSeconds: -5 }),
      () => JSON.stringify({ mirrors: ['acme'], name: '../../x' }),
      () => JSON.stringify({ snapshotId: 42 }),
      () => JSON.stringify({ scenario: 'x' }),
      () => JSON.stringify({ scenarioMarkdown: '#\n'.repeat(500) }),
      () => JSON.stringify({ scenario: { title: 1, criteria: 'x', config: null } }),
      () => JSON.stringify({ run: 'x', criteria: {} }),
      () => JSON.stringify({ ['__proto__']: { polluted: true }, mirrors: ['acme'] }),
      () => JSON.stringify({ constructor: { prototype: {} } }),
      () => Buffer.from([0xff, 0xfe, 0x00, 0x7b]),
      () => 'x'.repeat(100 * 1024),
      () => JSON.stringify({ mirrors: ['acme'], deep: JSON.parse('['.repeat(500) + ']'.repeat(500)) }),
      () => Buffer.from(Array.from({ length: 256 }, () => Math.floor(rand() * 256))),
    ];
    const auths = [() => `Bearer ${h.server.token}`, () => `Bearer ${h.server.token}`, () => undefined, () => 'Bearer', () => 'Bearer x y', () => `bearer ${h.server.token}`, () => 'Basic Zm9vOmJhcg==', () => `Bearer ${'x'.repeat(2000)}`];
    let statuses = new Map<number, number>();
    try {
      for (let i = 0; i < 2000; i += 20) {
        await Promise.all(
          Array.from({ length: 20 }, async () => {
            const method = pick(methods);
            const path = pick(paths);
            const body = method === 'GET' || method === 'HEAD' ? undefined : pick(bodies)();
            const auth = pick(auths)();
            const headers: Record<string, string> = {};
            if (auth !== undefined) headers.authorization = auth;
            if (body !== undefined) headers['content-type'] = pick(['application/json', 'text/plain', 'application/x-www-form-urlencoded']);
            const res = await request(`${h.server.url}${path}`, { method: method as 'GET', headers, dispatcher: agent, ...(body !== undefined ? { body } : {}) });
            const text = await res.body.text();
            statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
            expect(res.statusCode, `${method} ${path} → ${text}`).toBeLessThan(500);
            if (method === 'HEAD' || res.statusCode === 204) return;
            if (res.statusCode >= 400) {
              const json = JSON.parse(text);
              expect(json.error.code).toMatch(/^mirra\.[a-z_]+\.[a-z_]+$/);
              expect(typeof json.error.message).toBe('string');
              expect(typeof json.error.hint).toBe('string');
            } else if (!(res.headers['content-type'] ?? '').toString().includes('event-stream')) {
              JSON.parse(text);
            }
          }),
        );
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      // still alive and serving
      expect((await h.client.getSession(live.sessionId)).status).toBeDefined();
      expect((await h.raw('GET', '/healthz', { token: null })).status).toBe(200);
      expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(2000);
    } finally {
      await agent.close();
      await h.close();
    }
  }, 60_000);
});
