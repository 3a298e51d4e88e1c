import { describe, expect, it } from 'vitest';
import { FakeHost } from './fake-host.js';
import { harness } from './helpers.js';

const tick = () => new Promise((r) => setTimeout(r, 20));

describe('warm pool', () => {
  it('pre-warms a fresh group after an ephemeral session ends (engine without rekey)', async () => {
    const h = await harness();
    try {
      const a = await h.client.createSession({ mirrors: ['alpha', 'beta'], seeds: { alpha: 'busy' } });
      const keyA = a.mirrors[0]!.apiKey;
      await h.client.deleteSession(a.sessionId);
      await tick();
      const before = h.host!.created;
      const b = await h.client.createSession({ mirrors: ['beta', 'alpha'], seeds: { alpha: 'busy' } });
      expect(h.host!.created).toBe(before); // taken from the pool
      expect(b.mirrors.map((m) => m.apiKey)).not.toContain(keyA); // fresh credentials
      expect((await h.raw('GET', '/items', { token: keyA })).status).toBe(401);
      // a different seed is a different key
      await h.client.createSession({ mirrors: ['alpha', 'beta'], seeds: { alpha: 'other' } });
      expect(h.host!.created).toBe(before + 2);
      // stats start at zero, traffic flows to the pooled instance
      const keyB = b.mirrors.find((m) => m.vendor === 'alpha')!.apiKey;
      await h.raw('POST', '/items', { token: keyB, body: { id: 'x', value: 1 } });
      expect((await h.client.getSession(b.sessionId)).stats!.requests).toBe(1);
    } finally {
      await h.close();
    }
  });

  it('reuses reset instances with new credentials when the engine can rekey', async () => {
    const host = new FakeHost(['alpha'], true);
    const h = await harness({ mirrorHost: host });
    try {
      const a = await h.client.createSession({ mirrors: ['alpha'] });
      const keyA = a.mirrors[0]!.apiKey;
      await h.raw('POST', '/items', { token: keyA, body: { id: 'x', value: 1 } });
      await h.client.deleteSession(a.sessionId);
      const created = host.created;
      const b = await h.client.createSession({ mirrors: ['alpha'] });
      expect(host.created).toBe(created);
      const keyB = b.mirrors[0]!.apiKey;
      expect(keyB).not.toBe(keyA);
      expect((await h.raw('GET', '/items', { token: keyA })).status).toBe(401);
      expect((await h.raw('GET', '/items', { token: keyB })).json.data).toEqual([]);
      expect((await h.client.getSession(b.sessionId)).stats!.requests).toBe(1);
    } finally {
      await h.close();
    }
  });

  it('pool: false always builds fresh instances', async () => {
    const h = await harness({ pool: false });
    try {
      const a = await h.client.createSession({ mirrors: ['alpha'] });
      await h.client.deleteSession(a.sessionId);
      await tick();
      const created = h.host!.created;
      await h.client.createSession({ mirrors: ['alpha'] });
      expect(h.host!.created).toBe(created + 1);
    } finally {
      await h.close();
    }
  });
});
