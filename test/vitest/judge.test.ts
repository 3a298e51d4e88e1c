/**
 * Judges through a local fake OpenAI-compatible server (never a real API), with the
 * Evaluator object passed in vitest.config (served to workers by the judge bridge), and
 * verdict-cache hits on a second run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { errorOf, runFixture, states } from './run-fixture.js';

const requests: Array<{ url: string; prompt: string }> = [];
let server: http.Server;
const dir = mkdtempSync(path.join(tmpdir(), 'mirra-judge-'));

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { messages: Array<{ content: string }> };
      const prompt = body.messages.map((m) => m.content).join('\n');
      requests.push({ url: req.url ?? '', prompt });
      const bounces = /Error handling for bounces/.test(prompt);
      const verdict = bounces
        ? { result: 'fail', pass: false, explanation: 'No bounce handling appears in the trace.' }
        : { result: 'pass', pass: true, explanation: 'The subject "Welcome to Acme!" is warm and on-brand.' };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'cmpl_1', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: JSON.stringify(verdict) }, finish_reason: 'stop' }] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.env.FAKE_LLM_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  process.env.MIRRA_E2E_CACHE = path.join(dir, 'cache.db');
});

afterAll(async () => {
  delete process.env.FAKE_LLM_URL;
  delete process.env.MIRRA_E2E_CACHE;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

const T = 'Friendly Welcome Email';
const FRIENDLY = 'judge: The subject line is friendly and on-brand';
const BOUNCES = 'judge: Error handling for bounces is implemented';

test('judge criteria are graded by the evaluator; verdicts come from the cache on the second run', async () => {
  const first = await runFixture('judge');
  expect(states(first)).toEqual({
    [`${T} > run 1 > check: Exactly 1 email is created in the Resend mirror`]: 'passed',
    [`${T} > run 1 > ${FRIENDLY}`]: 'passed',
    [`${T} > run 1 > ${BOUNCES}`]: 'failed',
    [`${T} > run 2 > check: Exactly 1 email is created in the Resend mirror`]: 'passed',
    [`${T} > run 2 > ${FRIENDLY}`]: 'passed',
    [`${T} > run 2 > ${BOUNCES}`]: 'failed',
  });
  expect(requests.every((r) => r.url === '/v1/chat/completions')).toBe(true);
  // Ids and the clock are deterministic (seed), so run 2 shows the judge exactly what run 1
  // did: two calls in all, run 2's verdicts come from the cache.
  const callsAfterFirst = requests.length;
  expect(callsAfterFirst).toBe(2);
  expect(first.tests.filter((t) => t.meta().mirra?.kind === 'judge').map((t) => [t.meta().mirra!.run, t.meta().mirra!.cached])).toEqual([
    [1, false],
    [1, false],
    [2, true],
    [2, true],
  ]);

  const failing = first.byName.get(`${T} > run 1 > ${BOUNCES}`)!;
  expect(errorOf(failing)).toBe('No bounce handling appears in the trace.');
  expect(failing.location?.line).toBe(15);
  const passing = first.byName.get(`${T} > run 1 > ${FRIENDLY}`)!;
  expect(passing.meta().mirra).toMatchObject({ kind: 'judge', pass: true, explanation: 'The subject "Welcome to Acme!" is warm and on-brand.', cached: false });
  expect(passing.annotations().map((a) => [a.type, a.message])).toEqual([['notice', 'The subject "Welcome to Acme!" is warm and on-brand.']]);
  expect(failing.annotations().map((a) => [a.type, a.message])).toEqual([['warning', 'No bounce handling appears in the trace.']]);

  const second = await runFixture('judge');
  expect(states(second)).toEqual(states(first));
  expect(requests.length).toBe(callsAfterFirst);
  const judged = second.tests.filter((t) => t.meta().mirra?.kind === 'judge');
  expect(judged.map((t) => t.meta().mirra!.cached)).toEqual([true, true, true, true]);
}, 60_000);
