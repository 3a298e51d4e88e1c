/**
 * Judges against a local fake LLM server impersonating the Anthropic Messages API and the
 * OpenAI chat completions API (never a real API): the request, verdict parsing, errors, the
 * verdict cache, and escalation in evaluateCriterion.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import {
  anthropic,
  openai,
  createVerdictCache,
  defineEvaluator,
  evaluateCriterion,
  judgeCriterion,
  MirraJudgeError,
  scriptedEvaluator,
  buildJudgeInput,
  createCheckRegistry,
  TRACE_BUDGET,
  STATE_BUDGET,
  type VerdictCache,
} from '../../src/evaluate/index.js';
import type { RunCapture } from '../../src/evaluate/types.js';
import { captureRun, startHost, startReceiver, svixVerifies, welcomeEmail, type Host, type Receiver } from './helpers.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: any;
}

let server: Server;
let base: string;
const seen: Seen[] = [];
let reply: (req: Seen) => { status: number; body: string } = () => ({ status: 500, body: 'no reply set' });

const anthropicText = (text: string) => JSON.stringify({ id: 'msg_1', type: 'message', role: 'assistant', content: [{ type: 'text', text }], model: 'claude-haiku-4-5', stop_reason: 'end_turn' });
const openaiText = (text: string) => JSON.stringify({ id: 'chatcmpl_1', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }] });

let h: Host;
let rcv: Receiver;
let rcvSecret = '';
let capture: RunCapture;
let big: RunCapture;
let dir: string;
let cache: VerdictCache;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s: Seen = { method: req.method!, url: req.url!, headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
      seen.push(s);
      const r = reply(s);
      res.writeHead(r.status, { 'content-type': 'application/json' }).end(r.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  h = await startHost();
  rcv = await startReceiver((body, headers) => (svixVerifies(rcvSecret, body, headers) ? 200 : 401));
  capture = await captureRun(
    h,
    { fixture: 'transactional-busy' },
    async (s) => {
      rcvSecret = (await s.call('POST', '/webhooks', { endpoint: rcv.url, events: ['email.sent', 'email.delivered'] })).body.signing_secret;
      await s.call('POST', '/emails', welcomeEmail());
    },
    { probe: true, output: { sent: true, note: 'welcome email queued' } },
  );
  // Many large emails: the excerpts must stay bounded.
  big = await captureRun(h, { fixture: 'transactional-busy' }, async (s) => {
    for (let i = 0; i < 40; i++) await s.call('POST', '/emails', welcomeEmail(`user${i}@example.com`, { html: `<p>${'lorem ipsum '.repeat(400)}</p>` }));
  });
  dir = mkdtempSync(join(tmpdir(), 'mirra-cache-'));
  cache = createVerdictCache({ path: join(dir, 'nested', 'cache.db') });
});

afterAll(async () => {
  cache.close();
  rmSync(dir, { recursive: true, force: true });
  await rcv.close();
  await h.close();
  await new Promise<void>((r) => server.close(() => r()));
});

afterEach(() => {
  seen.length = 0;
  cache.clear();
});

const criterion = { tag: 'judge' as const, text: 'The welcome email is friendly and on-brand', line: 14 };

describe('anthropic()', () => {
  test('sends one Messages API request with the scenario, criterion and excerpts', async () => {
    reply = () => ({ status: 200, body: anthropicText('{"result":"pass","explanation":"The email greets Alice warmly."}') });
    const evaluator = anthropic({ apiKey: 'sk-ant-test', baseUrl: base });
    const out = await judgeCriterion({ criterion, capture, evaluator, model: 'claude-haiku-4-5' });
    expect(out).toMatchObject({ verdict: { pass: true, explanation: 'The email greets Alice warmly.' }, cached: false });
    expect(seen).toHaveLength(1);
    const req = seen[0];
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/v1/messages');
    expect(req.headers['x-api-key']).toBe('sk-ant-test');
    expect(req.headers['anthropic-version']).toBe('2023-06-01');
    expect(req.body.model).toBe('claude-haiku-4-5');
    expect(req.body.temperature).toBe(0);
    expect(req.body.system).toContain('{"result": "pass" | "fail"');
    const prompt: string = req.body.messages[0].content;
    expect(req.body.messages[0].role).toBe('user');
    expect(prompt).toContain('## Scenario context\nOne verified domain `mail.acme.com`.');
    expect(prompt).toContain('## Expected behavior\nThe app sends exactly one email; Resend reports email.sent then email.delivered by webhook.');
    expect(prompt).toContain('## Criterion to grade\nThe welcome email is friendly and on-brand');
    expect(prompt).toContain('## Session trace (relevant excerpts)');
    expect(prompt).toMatch(/\[Resend\] POST \/emails → 200 request=\{"from":"Acme <hello@mail\.acme\.com>","to":\["alice@example\.com"\]/);
    expect(prompt).toContain(`webhook email.delivered → ${rcv.url} attempt 1: 200`);
    expect(prompt).toContain(`signature probe → ${rcv.url}: forged signature rejected (401)`);
    expect(prompt).toContain('## Final state (relevant excerpts)\n[Resend] emails: 101 rows (1 created, 0 changed during the run)');
    expect(prompt).toContain('## Driver output\n{\n  "sent": true,');
    // Webhook secrets never reach the judge.
    expect(prompt).not.toMatch(/whsec_/);
    expect(prompt.length).toBeLessThan(TRACE_BUDGET + STATE_BUDGET + 4_000 + 2_000);
  });

  test('bounded input on a large run', () => {
    const input = buildJudgeInput('x', big, 'claude-haiku-4-5');
    expect(input.trace.length).toBeLessThanOrEqual(TRACE_BUDGET);
    expect(input.state.length).toBeLessThanOrEqual(STATE_BUDGET + 200);
    expect(input.trace).toMatch(/… \d+ less relevant entries omitted/);
    expect(input.state).toMatch(/^\[Resend\] emails: 140 rows \(40 created, 0 changed during the run\)/);
    expect(input.state).toMatch(/… \d+ more created during the run/);
  });

  test('maps judge-model to an Anthropic model; an explicit model wins', async () => {
    reply = () => ({ status: 200, body: anthropicText('{"result":"fail","explanation":"x"}') });
    await judgeCriterion({ criterion, capture, evaluator: anthropic({ apiKey: 'k', baseUrl: base }), model: 'claude-sonnet-4-6' });
    await judgeCriterion({ criterion, capture, evaluator: anthropic({ apiKey: 'k', baseUrl: base }), model: 'gpt-4o-mini' });
    await judgeCriterion({ criterion, capture, evaluator: anthropic({ apiKey: 'k', baseUrl: base, model: 'claude-opus-4-1' }), model: 'claude-haiku-4-5' });
    expect(seen.map((s) => s.body.model)).toEqual(['claude-sonnet-4-6', 'claude-haiku-4-5', 'claude-opus-4-1']);
  });

  test('code-fenced JSON and surrounding prose are read', async () => {
    reply = () => ({ status: 200, body: anthropicText('Here is my verdict:\n```json\n{"result": "FAIL", "explanation": "The tone is curt."}\n```') });
    const out = await judgeCriterion({ criterion, capture, evaluator: anthropic({ apiKey: 'k', baseUrl: base }) });
    expect(out.verdict).toEqual({ pass: false, explanation: 'The tone is curt.' });
  });

  test('HTTP 500 → MirraJudgeError with status and body excerpt (after retries)', async () => {
    reply = () => ({ status: 500, body: '{"type":"error","error":{"type":"api_error","message":"Internal server error"}}' });
    const evaluator = anthropic({ apiKey: 'k', baseUrl: base, retryDelayMs: 1 });
    const err = await judgeCriterion({ criterion, capture, evaluator }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MirraJudgeError);
    expect((err as MirraJudgeError).message).toBe(
      `Anthropic judge request failed: HTTP 500 from ${base}/v1/messages: {"type":"error","error":{"type":"api_error","message":"Internal server error"}}`,
    );
    expect((err as MirraJudgeError).status).toBe(500);
    expect(seen).toHaveLength(3);
  });

  test('HTTP 401 is not retried', async () => {
    reply = () => ({ status: 401, body: '{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}' });
    await expect(judgeCriterion({ criterion, capture, evaluator: anthropic({ apiKey: 'bad', baseUrl: base }) })).rejects.toThrow(
      `Anthropic judge request failed: HTTP 401 from ${base}/v1/messages: {"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}`,
    );
    expect(seen).toHaveLength(1);
  });

  test('garbage → MirraJudgeError, never a pass', async () => {
    reply = () => ({ status: 200, body: anthropicText('I think it passes, mostly.') });
    await expect(judgeCriterion({ criterion, capture, evaluator: anthropic({ apiKey: 'k', baseUrl: base }) })).rejects.toThrow(
      new MirraJudgeError('Anthropic judge returned no verdict (expected JSON {"result":"pass"|"fail","explanation":"..."}): I think it passes, mostly.', { evaluator: 'anthropic', body: 'I think it passes, mostly.' }),
    );
    reply = () => ({ status: 200, body: '<html>proxy error</html>' });
    await expect(judgeCriterion({ criterion, capture, evaluator: anthropic({ apiKey: 'k', baseUrl: base }) })).rejects.toThrow(
      'Anthropic judge returned invalid JSON (HTTP 200): <html>proxy error</html>',
    );
  });

  test('no API key → MirraJudgeError before any request', async () => {
    const saved = process.env.ANTHROPIC_API_KEY;
    delete process.env.ANTHROPIC_API_KEY;
    try {
      await expect(judgeCriterion({ criterion, capture, evaluator: anthropic({ baseUrl: base }) })).rejects.toThrow(
        'Anthropic judge has no API key: set ANTHROPIC_API_KEY or pass anthropic({ apiKey })',
      );
      expect(seen).toHaveLength(0);
    } finally {
      if (saved !== undefined) process.env.ANTHROPIC_API_KEY = saved;
    }
  });
});

describe('openai()', () => {
  test('chat completions with json_object response format', async () => {
    reply = () => ({ status: 200, body: openaiText('{"result":"pass","explanation":"Friendly.","score":0.9}') });
    const out = await judgeCriterion({ criterion, capture, evaluator: openai({ apiKey: 'sk-test', baseUrl: `${base}/v1` }), model: 'claude-haiku-4-5' });
    expect(out.verdict).toEqual({ pass: true, explanation: 'Friendly.', score: 0.9 });
    const req = seen[0];
    expect(req.url).toBe('/v1/chat/completions');
    expect(req.headers.authorization).toBe('Bearer sk-test');
    expect(req.body.model).toBe('gpt-4o-mini');
    expect(req.body.response_format).toEqual({ type: 'json_object' });
    expect(req.body.messages.map((m: { role: string }) => m.role)).toEqual(['system', 'user']);
    expect(req.body.messages[1].content).toContain('## Criterion to grade\nThe welcome email is friendly and on-brand');
  });

  test('errors name OpenAI', async () => {
    reply = () => ({ status: 200, body: '{"choices":[]}' });
    await expect(judgeCriterion({ criterion, capture, evaluator: openai({ apiKey: 'k', baseUrl: base }) })).rejects.toThrow('OpenAI judge response has no message content: {"choices":[]}');
  });
});

describe('verdict cache', () => {
  test('identical input hits; a changed trace misses; cache:false never stores', async () => {
    let n = 0;
    reply = () => ({ status: 200, body: anthropicText(`{"result":"pass","explanation":"call ${++n}"}`) });
    const evaluator = anthropic({ apiKey: 'k', baseUrl: base });
    const first = await judgeCriterion({ criterion, capture, evaluator, cache });
    const second = await judgeCriterion({ criterion, capture, evaluator, cache });
    expect(first).toMatchObject({ cached: false, verdict: { explanation: 'call 1' } });
    expect(second).toMatchObject({ cached: true, verdict: { explanation: 'call 1' } });
    expect(seen).toHaveLength(1);
    expect(cache.stats()).toEqual({ hits: 1, misses: 1 });

    const changed: RunCapture = structuredClone(capture);
    changed.mirrors.resend.trace[0].data = { ...changed.mirrors.resend.trace[0].data, path: '/emails/other' };
    changed.mirrors.resend.trace[0].kind = 'request';
    const third = await judgeCriterion({ criterion, capture: changed, evaluator, cache });
    expect(third).toMatchObject({ cached: false, verdict: { explanation: 'call 2' } });
    // Another model is another key too.
    const fourth = await judgeCriterion({ criterion, capture, evaluator, cache, model: 'claude-sonnet-4-6' });
    expect(fourth.cached).toBe(false);
    expect(cache.stats()).toEqual({ hits: 1, misses: 3 });
    expect(cache.size()).toBe(3);

    const off = await judgeCriterion({ criterion, capture, evaluator, cache: false });
    expect(off.cached).toBe(false);
    expect(seen).toHaveLength(4);
    cache.clear();
    expect(cache.size()).toBe(0);
    expect(cache.stats()).toEqual({ hits: 0, misses: 0 });
  });

  test('errors are not cached', async () => {
    reply = () => ({ status: 400, body: '{"error":"bad"}' });
    const evaluator = anthropic({ apiKey: 'k', baseUrl: base });
    await expect(judgeCriterion({ criterion, capture, evaluator, cache })).rejects.toBeInstanceOf(MirraJudgeError);
    expect(cache.size()).toBe(0);
  });

  test('the database is a file under the given path (directories created) and survives reopening', async () => {
    expect(existsSync(join(dir, 'nested', 'cache.db'))).toBe(true);
    const evaluator = scriptedEvaluator(() => ({ pass: true, explanation: 'stored' }));
    await judgeCriterion({ criterion, capture, evaluator, cache });
    const again = createVerdictCache({ path: join(dir, 'nested', 'cache.db') });
    try {
      const out = await judgeCriterion({ criterion, capture, evaluator, cache: again });
      expect(out).toMatchObject({ cached: true, verdict: { explanation: 'stored' } });
      expect(evaluator.calls).toHaveLength(1);
    } finally {
      again.close();
    }
  });
});

describe('evaluateCriterion', () => {
  const registry = createCheckRegistry();

  test('a check that matches is graded deterministically (no judge call)', async () => {
    const evaluator = scriptedEvaluator(() => true);
    const r = await evaluateCriterion({ criterion: { tag: 'check', text: 'Exactly 1 email is created in the Resend mirror', line: 12 }, capture, registry, evaluator, model: 'claude-haiku-4-5' });
    expect(r).toMatchObject({ scenario: 'Send Welcome Email on Signup', file: 'scenarios/welcome-email.md', run: 1, kind: 'check', pass: true, escalated: false, cached: false, line: 12, pattern: 'count' });
    expect(evaluator.calls).toHaveLength(0);
  });

  test('an unmatched check escalates to the judge with a warning', async () => {
    const evaluator = scriptedEvaluator(() => ({ pass: true, explanation: 'The email reads warmly.' }), 'fake');
    const r = await evaluateCriterion({ criterion: { tag: 'check', text: 'The email is warm' }, capture, registry, evaluator });
    expect(r).toMatchObject({
      kind: 'check',
      pass: true,
      escalated: true,
      explanation: 'escalated to the judge (no check pattern matched): The email reads warmly.',
      warnings: ['check matched no pattern of the deterministic grammar; escalated to the judge (fake). Add a defineCheck to keep it deterministic and free.'],
    });
    expect(evaluator.calls[0].criterion).toBe('The email is warm');
  });

  test('an unmatched check without a judge fails with the snippet', async () => {
    const r = await evaluateCriterion({ criterion: { tag: 'check', text: 'The email is warm' }, capture, registry });
    expect(r.pass).toBe(false);
    expect(r.snippet).toBe(
      "defineCheck('The email is warm', ({ rows, created, webhooks }) => {\n  // Return true/false or { pass, message }; a thrown error fails the check.\n  throw new Error('TODO: implement this check');\n});",
    );
    expect(r.explanation).toBe(`no check pattern matches this criterion and no judge is configured to escalate to. Define it:\n${r.snippet}`);
  });

  test('a judge criterion without an evaluator is not graded', async () => {
    const r = await evaluateCriterion({ criterion: { tag: 'judge', text: 'The email is warm', warning: 'judge: forced on a countable' }, capture, registry });
    expect(r).toMatchObject({
      kind: 'judge',
      pass: null,
      explanation:
        'not graded: no judge is configured; configure a judge with withMirra({ judge: anthropic() }) (or openai(), or defineEvaluator(...)), or set ANTHROPIC_API_KEY',
      warnings: ['judge: forced on a countable'],
    });
  });

  test('judge errors propagate', async () => {
    const evaluator = defineEvaluator({
      name: 'flaky',
      judge: async () => {
        throw new Error('socket hang up');
      },
    });
    await expect(evaluateCriterion({ criterion, capture, registry, evaluator })).rejects.toThrow(new MirraJudgeError("judge 'flaky' failed: socket hang up", { evaluator: 'flaky' }));
    expect(() => defineEvaluator({ name: '', judge: async () => ({ pass: true, explanation: '' }) })).toThrow(TypeError);
  });
});
