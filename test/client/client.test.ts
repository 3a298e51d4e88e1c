import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { MirraApiError, MirraClient, MirraNetworkError, SseParser } from '../../src/client/index.js';
import { backoff, serverDelay } from '../../src/client/retry.js';

async function stub(handler: (req: IncomingMessage, res: ServerResponse, n: number) => void) {
  let n = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => handler(req, res, ++n));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, calls: () => n, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const envelope = (code: string) => JSON.stringify({ error: { code, message: `msg ${code}`, hint: `hint ${code}` } });

describe('MirraClient', () => {
  it('turns envelopes into MirraApiError with status, code, message, hint', async () => {
    const s = await stub((_req, res) => res.writeHead(404, { 'content-type': 'application/json' }).end(envelope('mirra.session.not_found')));
    const c = new MirraClient({ baseUrl: s.url, token: 't' });
    const err = await c.getSession('ses_x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MirraApiError);
    expect(err).toMatchObject({ status: 404, code: 'mirra.session.not_found', message: 'msg mirra.session.not_found', hint: 'hint mirra.session.not_found' });
    expect(s.calls()).toBe(1); // 404 is not retried
    await c.close();
    await s.close();
  });

  it('retries 429/502/503 with backoff, honouring retry-after, then succeeds', async () => {
    const s = await stub((req, res, n) => {
      if (n === 1) return res.writeHead(429, { 'retry-after': '0' }).end(envelope('mirra.rate_limit.exceeded'));
      if (n === 2) return res.writeHead(503).end('maintenance');
      if (n === 3) return res.writeHead(502).end(envelope('mirra.mirror.unavailable'));
      expect(req.headers.authorization).toBe('Bearer mt_pat_x');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[],"nextCursor":null,"hasMore":false}');
    });
    const c = new MirraClient({ baseUrl: s.url, token: 'mt_pat_x', retry: { retries: 3, baseDelayMs: 5 } });
    expect((await c.listSessions()).data).toEqual([]);
    expect(s.calls()).toBe(4);
    await c.close();
    await s.close();
  });

  it('gives up after the bounded attempts', async () => {
    const s = await stub((_req, res) => res.writeHead(503).end(envelope('mirra.server.maintenance')));
    const c = new MirraClient({ baseUrl: s.url, token: 't', retry: { retries: 2, baseDelayMs: 1 } });
    await expect(c.listSessions()).rejects.toMatchObject({ status: 503, code: 'mirra.server.maintenance' });
    expect(s.calls()).toBe(3);
    await c.close();
    await s.close();
  });

  it('retries network errors only for idempotent requests', async () => {
    const s = await stub((req, res, n) => {
      if (n === 1) return req.socket.destroy();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"sessionId":"ses_abcd"}');
    });
    const c = new MirraClient({ baseUrl: s.url, token: 't', retry: { retries: 2, baseDelayMs: 1 } });
    expect((await c.getSession('ses_abcd')).sessionId).toBe('ses_abcd');
    expect(s.calls()).toBe(2);
    await c.close();
    await s.close();

    const dead = await stub((req) => req.socket.destroy());
    const c2 = new MirraClient({ baseUrl: dead.url, token: 't', retry: { retries: 3, baseDelayMs: 1 } });
    await expect(c2.createSession({ mirrors: ['acme'] })).rejects.toBeInstanceOf(MirraNetworkError);
    expect(dead.calls()).toBe(1); // POST /v1/sessions is not retried on network errors
    await c2.close();
    await dead.close();
  });

  it('fromEnv reads MIRRA_API_URL and MIRRA_TOKEN', () => {
    const c = MirraClient.fromEnv({ MIRRA_API_URL: 'http://127.0.0.1:1/', MIRRA_TOKEN: 'mt_pat_y' });
    expect(c.baseUrl).toBe('http://127.0.0.1:1');
    expect(() => MirraClient.fromEnv({})).toThrow(/MIRRA_API_URL/);
    void c.close();
  });

  it('non-JSON error bodies still become MirraApiError', async () => {
    const s = await stub((_req, res) => res.writeHead(400).end('<html>bad</html>'));
    const c = new MirraClient({ baseUrl: s.url, token: 't' });
    await expect(c.getRun('run_x')).rejects.toMatchObject({ status: 400, code: 'mirra.http.400' });
    await c.close();
    await s.close();
  });
});

describe('retry helpers', () => {
  it('backoff grows exponentially with jitter and is capped', () => {
    const o = { retries: 5, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoff(0, o, () => 0)).toBe(50);
    expect(backoff(0, o, () => 1)).toBe(100);
    expect(backoff(3, o, () => 1)).toBe(800);
    expect(backoff(10, o, () => 1)).toBe(1000);
  });

  it('reads retry-after (seconds, date) and x-mirra-ratelimit-reset', () => {
    expect(serverDelay(429, { 'retry-after': '2' })).toBe(2000);
    expect(serverDelay(503, { 'retry-after': new Date(10_000).toUTCString() }, 5_000)).toBe(5000);
    expect(serverDelay(429, { 'x-mirra-ratelimit-reset': '20' }, 15_000)).toBe(5000);
    expect(serverDelay(503, {})).toBeUndefined();
  });
});

describe('SseParser', () => {
  it('parses ids, event names, multi-line data, comments and split chunks', () => {
    const p = new SseParser();
    const text = 'retry: 500\n: comment\n\nid: 7\nevent: state.changed\ndata: {"a":\ndata: 1}\n\r\nid: 8\r\ndata: x\r\n\r\n';
    const out = [];
    for (let i = 0; i < text.length; i += 3) out.push(...p.push(text.slice(i, i + 3)));
    expect(out).toEqual([
      { id: '7', event: 'state.changed', data: '{"a":\n1}', retry: 500 },
      { id: '8', event: 'message', data: 'x', retry: 500 },
    ]);
    expect(p.reconnectMs).toBe(500);
  });
});
