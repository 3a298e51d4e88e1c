import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { call, startHarness, startReceiver, svixVerify, waitFor, type Harness } from '../helpers.js';
import { SVIX_SCHEDULE_MS } from '../acme/index.js';
import type { MirrorEvent } from '../../../src/mirrors/core/index.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe('webhook dispatcher', () => {
  test('delivers signed over the exact bytes sent, with a wall-clock signature time; settle drains', async () => {
    const a = h.host.create({ sessionId: 'ses_wh', vendor: 'acme', clock: 'manual' });
    const rx = await startReceiver(a.webhookSecret);
    const events: MirrorEvent[] = [];
    h.host.subscribe('ses_wh', (e) => events.push(e));
    a.reset({ data: { mirror: 'acme', webhooks: [{ url: rx.url, events: ['note.created', 'note.published'] }] } });
    const note = (await call(h.url, 'POST', '/notes', { key: a.apiKey, body: { title: 'hook me' } })).json;
    // The first attempt is immediate, without any clock movement.
    await waitFor(() => rx.received.length === 1 && a.deliveries()[0].status === 'succeeded');
    // settle: the publish timer at +5 s, then the note.published attempt it queued.
    const report = await a.settle({ horizonMs: 60_000 });
    expect(report).toEqual({ timersFired: 2, deliveries: 1, now: new Date(Date.parse(note.created_at) + 5000).toISOString() });
    expect(rx.received).toHaveLength(2);
    const [created, published] = rx.received;
    expect(created.verified).toBe(true);
    expect(JSON.parse(created.body)).toEqual({ type: 'note.created', created_at: note.created_at, data: { note_id: note.id, title: 'hook me' } });
    expect(created.headers['svix-id']).toMatch(/^msg_/);
    expect(created.headers['user-agent']).toBe('Svix-Webhooks/1.0');
    expect(created.headers['content-type']).toBe('application/json');
    // The payload is on the session clock (+5 s); the signature time is the real send time.
    expect(Math.abs(Number(published.headers['svix-timestamp']) - Date.now() / 1000)).toBeLessThan(5);
    expect(JSON.parse(published.body).type).toBe('note.published');

    const deliveries = a.deliveries();
    expect(deliveries.map((d) => [d.eventType, d.status, d.attempts])).toEqual([
      ['note.created', 'succeeded', 1],
      ['note.published', 'succeeded', 1],
    ]);
    expect(deliveries[0].body).toBe(created.body);
    expect(deliveries[0].headers!['svix-signature']).toBe(created.headers['svix-signature']);
    const dispatched = events.filter((e) => e.type === 'webhook.dispatched');
    expect(dispatched.map((e) => [e.data.type, e.data.status, e.data.attempt])).toEqual([
      ['note.created', 204, 1],
      ['note.published', 204, 1],
    ]);
    expect(a.stats().webhooks).toBe(2);
    a.destroy();
    await rx.close();
  });

  test('retries follow the vendor schedule on the session clock until the receiver comes back; nothing lost', async () => {
    const a = h.host.create({ sessionId: 'ses_retry', vendor: 'acme', clock: 'manual' });
    const rx = await startReceiver(a.webhookSecret, 'fail');
    await call(h.url, 'POST', '/webhooks', { key: a.apiKey, body: { url: rx.url, events: ['note.created'] } });
    rx.secret = a.dispatcher.list()[0].secret; // endpoints registered via the API get their own secret
    const t0 = a.clockInfo().nowMs;
    await call(h.url, 'POST', '/notes', { key: a.apiKey, body: { title: 'retry me' } });
    await waitFor(() => rx.received.length === 1);
    await waitFor(() => a.deliveries()[0].status === 'retrying');
    expect(a.deliveries()[0].nextAttemptAt).toBe(new Date(t0 + SVIX_SCHEDULE_MS[0]).toISOString());

    // 4.9 s: nothing due yet. 5 s: the second attempt.
    await call(h.url, 'POST', '/_mirra/clock', { key: a.apiKey, body: { advance: '4900ms' } });
    await new Promise((r) => setTimeout(r, 50));
    expect(rx.received).toHaveLength(1);
    await call(h.url, 'POST', '/_mirra/clock', { key: a.apiKey, body: { advance: '100ms' } });
    await waitFor(() => rx.received.length === 2);
    await waitFor(() => a.deliveries()[0].attempts === 2 && a.deliveries()[0].status === 'retrying');
    // Settle through the next hour: attempts at +5 min and +35 min fail too.
    await a.settle({ horizonMs: 3_600_000 });
    const d = a.deliveries()[0];
    expect(d.attemptLog.map((x) => [Date.parse(x.at) - t0, x.statusCode, x.ok])).toEqual([
      [0, 503, false],
      [5_000, 503, false],
      [305_000, 503, false],
      [2_105_000, 503, false],
    ]);
    expect(d.nextAttemptAt).toBe(new Date(t0 + 2_105_000 + 7_200_000).toISOString());
    // Every attempt is signed afresh at its real send time, although the session clock
    // moved 35 minutes: a receiver's tolerance window (Svix ±5 min) still accepts it.
    expect(new Set(rx.received.map((r) => r.headers['svix-id'])).size).toBe(1);
    for (const r of rx.received) expect(Math.abs(Number(r.headers['svix-timestamp']) - Date.now() / 1000)).toBeLessThan(10);
    expect(rx.received.every((r) => r.verified)).toBe(true);

    rx.mode = 'verify';
    await a.settle({ horizonMs: 3 * 3_600_000 });
    expect(a.deliveries()[0]).toMatchObject({ status: 'succeeded', attempts: 5, lastStatus: 204 });
    expect(a.trace({ kinds: ['webhook'] }).filter((e) => e.data.action === 'attempted').map((e) => e.data.status)).toEqual([503, 503, 503, 503, 204]);
    a.destroy();
    await rx.close();
  });

  test('gives up after the schedule; POST /_mirra/webhooks/retry re-sends now', async () => {
    const a = h.host.create({ sessionId: 'ses_giveup', vendor: 'acme', clock: 'manual' });
    const rx = await startReceiver(a.webhookSecret, 'fail');
    a.reset({ data: { mirror: 'acme', webhooks: [{ url: rx.url, events: ['note.created'] }] } });
    await call(h.url, 'POST', '/notes', { key: a.apiKey, body: { title: 'doomed' } });
    await a.settle({ horizonMs: 5 * 24 * 3_600_000 });
    expect(a.deliveries().filter((d) => d.eventType === 'note.created')[0]).toMatchObject({ status: 'failed', attempts: SVIX_SCHEDULE_MS.length + 1 });
    rx.mode = 'verify';
    const retried = await call(h.url, 'POST', '/_mirra/webhooks/retry', { key: a.apiKey });
    expect(retried.status).toBe(200);
    expect(retried.json.retried).toHaveLength(1);
    expect(retried.json.deliveries[0]).toMatchObject({ status: 'succeeded', attempts: SVIX_SCHEDULE_MS.length + 2, lastStatus: 204 });
    a.destroy();
    await rx.close();
  });

  test('collect mode stores exact headers and body instead of sending', async () => {
    const a = h.host.create({ sessionId: 'ses_collect', vendor: 'acme', clock: 'manual' });
    const rx = await startReceiver(a.webhookSecret);
    a.reset({ data: { mirror: 'acme', webhooks: [{ url: rx.url }] } });
    expect((await call(h.url, 'POST', '/_mirra/webhooks/mode', { key: a.apiKey, body: { mode: 'collect' } })).json).toEqual({ mode: 'collect' });
    await call(h.url, 'POST', '/notes', { key: a.apiKey, body: { title: 'kept here' } });
    await a.settle({ horizonMs: 10_000 });
    expect(rx.received).toEqual([]);
    const list = (await call(h.url, 'GET', '/_mirra/webhooks/deliveries?status=collected', { key: a.apiKey })).json.deliveries;
    expect(list.map((d: any) => d.eventType)).toEqual(['note.created', 'note.published']);
    for (const d of list) {
      expect(svixVerify(a.webhookSecret, d.headers, d.body)).toBe(true);
      expect(d.attemptLog[0].mode).toBe('collect');
    }
    expect((await call(h.url, 'POST', '/_mirra/webhooks/mode', { key: a.apiKey, body: { mode: 'loud' } })).json.error.code).toBe('mirra.request.invalid_parameter');
    a.destroy();
    await rx.close();
  });

  test('signature probe: a verifying receiver → verified true; an accept-all receiver → verified false', async () => {
    const a = h.host.create({ sessionId: 'ses_probe', vendor: 'acme' });
    const strict = await startReceiver(a.webhookSecret, 'verify');
    const lax = await startReceiver(a.webhookSecret, 'accept');
    a.reset({ data: { mirror: 'acme', webhooks: [{ id: 'we_strict', url: strict.url, events: ['note.created'] }] } });
    const good = await call(h.url, 'POST', '/_mirra/webhooks/probe', { key: a.apiKey, body: {} });
    expect(good.json).toMatchObject({ verified: true, results: [{ endpointId: 'we_strict', url: strict.url, eventType: 'note.created', statusCode: 400, verified: true, error: null }] });
    expect(strict.received[0].verified).toBe(false);
    expect(strict.received[0].headers['svix-signature']).toMatch(/^v1,/);

    const bad = await a.probeSignatures({ url: lax.url, eventType: 'note.created' });
    expect(bad).toEqual([expect.objectContaining({ endpointId: null, url: lax.url, statusCode: 200, verified: false })]);
    const stored = (await call(h.url, 'GET', '/_mirra/webhooks/verifications', { key: a.apiKey })).json.verifications;
    expect(stored.map((v: any) => [v.url, v.verified])).toEqual([
      [strict.url, true],
      [lax.url, false],
    ]);
    expect(a.trace({ kinds: ['probe'] }).map((e) => e.data.verified)).toEqual([true, false]);
    a.destroy();
    await strict.close();
    await lax.close();
  });

  test('webhook rows roll back with a failed handler; unreachable endpoints are retried, not lost', async () => {
    const a = h.host.create({ sessionId: 'ses_unreach', vendor: 'acme', clock: 'manual' });
    a.reset({ data: { mirror: 'acme', webhooks: [{ url: 'http://127.0.0.1:9/closed', events: ['note.created'] }] } });
    await call(h.url, 'POST', '/notes', { key: a.apiKey, body: {} }); // 422: no event
    expect(a.deliveries()).toEqual([]);
    await call(h.url, 'POST', '/notes', { key: a.apiKey, body: { title: 'x' } });
    await a.settle({ horizonMs: 1000 });
    const d = a.deliveries()[0];
    expect(d).toMatchObject({ status: 'retrying', attempts: 1, lastStatus: null });
    expect(d.lastError).toBe('ECONNREFUSED');
    a.destroy();
  });
});
