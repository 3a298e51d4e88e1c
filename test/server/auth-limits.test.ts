import { describe, expect, it } from 'vitest';
import { MirraApiError, MirraClient } from '../../src/client/index.js';
import { expectEnvelope, harness } from './helpers.js';

describe('auth', () => {
  it('401 missing and invalid tokens; 403 across workspaces', async () => {
    const h = await harness({ tokens: [{ token: 'mt_pat_other', workspace: 'ws_other' }] });
    try {
      let res = await h.raw('GET', '/v1/sessions', { token: null });
      expect(res.status).toBe(401);
      expectEnvelope(res.json, 'mirra.auth.missing_token');
      res = await h.raw('GET', '/v1/sessions', { token: 'mt_pat_wrong' });
      expect(res.status).toBe(401);
      expectEnvelope(res.json, 'mirra.auth.invalid_token');
      res = await h.raw('GET', '/v1/sessions', { token: null, headers: { authorization: 'Basic abc' } });
      expectEnvelope(res.json, 'mirra.auth.invalid_token');

      const mine = await h.client.createSession({ mirrors: ['alpha'], name: 'mine' });
      const other = new MirraClient({ baseUrl: h.server.url, token: 'mt_pat_other', retry: { retries: 0 } });
      const err = await other.getSession(mine.sessionId).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MirraApiError);
      expect(err).toMatchObject({ status: 403, code: 'mirra.auth.forbidden' });
      for (const [method, path] of [
        ['DELETE', `/v1/sessions/${mine.sessionId}`],
        ['POST', `/v1/sessions/${mine.sessionId}/reset`],
        ['POST', `/v1/sessions/${mine.sessionId}/snapshots`],
        ['GET', `/v1/sessions/${mine.sessionId}/events`],
      ] as const) {
        const r = await h.raw(method, path, { token: 'mt_pat_other', ...(method === 'POST' ? { body: {} } : {}) });
        expect(r.status, `${method} ${path}`).toBe(403);
      }
      // by name, another workspace simply has no such session
      expect((await h.raw('GET', '/v1/sessions/mine', { token: 'mt_pat_other' })).status).toBe(404);
      // lists are per workspace
      expect((await other.listSessions()).data).toEqual([]);
      // names are per workspace too
      expect((await other.createSession({ mirrors: ['alpha'], name: 'mine' })).name).toBe('mine');
      await other.close();
    } finally {
      await h.close();
    }
  });

  it('a generated token looks like mt_pat_… and a given one is used as-is', async () => {
    const a = await harness();
    expect(a.server.token).toMatch(/^mt_pat_[a-z0-9]{32}$/);
    await a.close();
    const b = await harness({ token: 'mt_pat_fixed' });
    expect(b.server.token).toBe('mt_pat_fixed');
    expect((await b.raw('GET', '/v1/sessions')).status).toBe(200);
    await b.close();
  });
});

describe('rate limit', () => {
  it('sends the headers on every response and 429s past the limit', async () => {
    const h = await harness({ rateLimit: { limit: 5, windowMs: 60_000 } });
    try {
      const first = await h.raw('GET', '/v1/sessions');
      expect(first.headers['x-mirra-ratelimit-limit']).toBe('5');
      expect(first.headers['x-mirra-ratelimit-remaining']).toBe('4');
      const reset = Number(first.headers['x-mirra-ratelimit-reset']);
      expect(reset).toBeGreaterThan(Date.now() / 1000);
      expect(reset).toBeLessThanOrEqual(Date.now() / 1000 + 61);
      for (let i = 0; i < 4; i++) await h.raw('GET', '/v1/sessions');
      const limited = await h.raw('GET', '/v1/sessions');
      expect(limited.status).toBe(429);
      expectEnvelope(limited.json, 'mirra.rate_limit.exceeded');
      expect(limited.headers['x-mirra-ratelimit-remaining']).toBe('0');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      // errors carry the headers too
      const notFound = await h.raw('GET', '/v1/nope');
      expect(notFound.headers['x-mirra-ratelimit-limit']).toBe('5');
    } finally {
      await h.close();
    }
  });

  it('the client retries a 429 honouring the reset and then succeeds', async () => {
    const h = await harness({ rateLimit: { limit: 2, windowMs: 1000 } });
    try {
      const client = new MirraClient({ baseUrl: h.server.url, token: h.server.token, retry: { retries: 3, maxDelayMs: 2500 } });
      const started = Date.now();
      for (let i = 0; i < 4; i++) await client.listSessions();
      expect(Date.now() - started).toBeLessThan(8000);
      await client.close();
    } finally {
      await h.close();
    }
  });
});

describe('minute quota', () => {
  it('402 once the workspace consumed its session-minutes', async () => {
    const h = await harness({ tokens: [{ token: 'mt_pat_tiny', workspace: 'ws_tiny', quotaMinutes: 0.0005 }] });
    try {
      const tiny = new MirraClient({ baseUrl: h.server.url, token: 'mt_pat_tiny', retry: { retries: 0 } });
      await tiny.createSession({ mirrors: ['alpha'] });
      await new Promise((r) => setTimeout(r, 80));
      const res = await h.raw('POST', '/v1/sessions', { token: 'mt_pat_tiny', body: { mirrors: ['alpha'] } });
      expect(res.status).toBe(402);
      expectEnvelope(res.json, 'mirra.quota.minutes_exhausted');
      // the default workspace is unaffected
      expect((await h.raw('POST', '/v1/sessions', { body: { mirrors: ['alpha'] } })).status).toBe(201);
      await tiny.close();
    } finally {
      await h.close();
    }
  });

  it('a global quotaMinutes of 0 refuses every session', async () => {
    const h = await harness({ quotaMinutes: 0 });
    try {
      const res = await h.raw('POST', '/v1/sessions', { body: { mirrors: ['alpha'] } });
      expect(res.status).toBe(402);
    } finally {
      await h.close();
    }
  });
});

describe('expiry', () => {
  it('an ephemeral session expires after timeoutSeconds', async () => {
    const h = await harness({ sweepIntervalMs: 50 });
    try {
      const s = await h.client.createSession({ mirrors: ['alpha'], timeoutSeconds: 1 });
      const key = s.mirrors[0]!.apiKey;
      expect((await h.raw('GET', '/items', { token: key })).status).toBe(200);
      await new Promise((r) => setTimeout(r, 1300));
      const got = await h.client.getSession(s.sessionId);
      expect(got.status).toBe('expired');
      expect(got.endReason).toBe('expired');
      expect((await h.client.listSessions({ status: 'ready' })).data.map((x) => x.sessionId)).not.toContain(s.sessionId);
      // the instances were destroyed: the key no longer reaches any state
      expect((await h.raw('GET', '/items', { token: key })).status).toBe(401);
    } finally {
      await h.close();
    }
  });
});
