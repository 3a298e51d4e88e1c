import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { acmeMirror } from '../mirrors/acme/index.js';
import { expectEnvelope, harness, type Harness } from './helpers.js';

let h: Harness;
beforeAll(async () => {
  h = await harness({ mirrors: [acmeMirror()], fixturesDir: join(import.meta.dirname, '../mirrors/fixtures') });
});
afterAll(async () => {
  await h.close();
});

const markdown = `# Send Welcome Email on Signup

## Setup
A Resend account with one verified domain \`mail.acme.com\`.

## Prompt
When a user signs up with email \`alice@example.com\`, send a welcome email.

## Success Criteria
- check: Exactly 1 email is created in the Resend mirror
- judge: The email tone is friendly

## Config
mirrors: resend
runs: 3
`;

describe('runs', () => {
  it('parses scenarioMarkdown server-side and stores a queued run', async () => {
    const res = await h.raw('POST', '/v1/runs', { body: { scenarioMarkdown: markdown, file: 'scenarios/welcome.md' } });
    expect(res.status).toBe(201);
    expect(res.json.runId).toMatch(/^run_[a-z0-9]{6}$/);
    expect(res.json.status).toBe('queued');
    expect(res.json.scenario).toEqual({ title: 'Send Welcome Email on Signup', file: 'scenarios/welcome.md' });
    expect(res.json.runs).toBe(3);
    expect(res.json.satisfactionScore).toBeNull();
    expect(res.json.criteria).toEqual([
      { label: 'Exactly 1 email is created in the Resend mirror', kind: 'check', passed: 0, total: 0 },
      { label: 'The email tone is friendly', kind: 'judge', passed: 0, total: 0 },
    ]);
    const full = await h.client.getRun(res.json.runId, { expandScenario: true });
    expect((full.scenario as any).criteria).toHaveLength(2);
  });

  it('accepts the parsed scenario JSON (the spec example)', async () => {
    const run = await h.client.createRun({
      scenario: {
        title: 'Send Welcome Email on Signup',
        setup: 'A Resend account with one verified domain `mail.acme.com`…',
        prompt: 'When a user signs up with email `alice@example.com`…',
        expectedBehavior: 'The integration should create the email…',
        criteria: [
          { tag: 'check', text: 'Exactly 1 email is created in the Resend mirror' },
          { tag: 'judge', text: 'Error handling for bounces is implemented' },
        ],
        config: { mirrors: ['resend'], fixture: 'resend:transactional-busy', timeout: 60, runs: 3 },
      },
    });
    expect(run.status).toBe('queued');
    expect(run.runs).toBe(3);
  });

  it('answers scenario errors with mirra.scenario.* and the issue list', async () => {
    const res = await h.raw('POST', '/v1/runs', { body: { scenarioMarkdown: 'no title here\n' } });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toMatch(/^mirra\.scenario\./);
    expect(res.json.error.message).toBeTypeOf('string');
    expect(res.json.error.hint).toBeTypeOf('string');
    expect(Array.isArray(res.json.error.issues)).toBe(true);
    expect(res.json.error.issues.length).toBeGreaterThan(0);
    const bad = await h.raw('POST', '/v1/runs', { body: { scenario: { title: 'x' } } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toMatch(/^mirra\.scenario\./);
    expectEnvelope((await h.raw('POST', '/v1/runs', { body: {} })).json, 'mirra.run.scenario_required');
    expectEnvelope((await h.raw('POST', '/v1/runs', { body: { scenario: {}, scenarioMarkdown: 'x' } })).json, 'mirra.run.conflicting_scenario');
    expectEnvelope((await h.raw('POST', '/v1/runs', { body: { scenarioMarkdown: 5 } })).json, 'mirra.request.invalid_type');
    expectEnvelope((await h.raw('POST', '/v1/runs', { body: { scenarioMarkdown: markdown, sessionId: 'ses_none' } })).json, 'mirra.session.not_found');
  });

  it('records per-run results, aggregates them and finishes the run', async () => {
    const session = await h.client.createSession({ mirrors: ['acme'] });
    const run = await h.client.createRun({ scenarioMarkdown: markdown, sessionId: session.sessionId });
    expect(run.sessionId).toBe(session.sessionId);
    const [check, judge] = run.criteria;
    for (let k = 1; k <= 3; k++) {
      const r = await h.client.recordRunResults(run.runId, {
        run: k,
        criteria: [
          { label: check!.label, kind: 'check', passed: true },
          { label: judge!.label, kind: 'judge', passed: k !== 2, explanation: 'ok' },
        ],
        durationMs: 100,
      });
      expect(r.status).toBe('running');
    }
    // recording run 2 again replaces it
    await h.client.recordRunResults(run.runId, { run: 2, criteria: [{ label: check!.label, kind: 'check', passed: true }, { label: judge!.label, kind: 'judge', passed: false }] });
    const got = await h.client.getRun(run.runId);
    expect(got.criteria).toEqual([
      { label: check!.label, kind: 'check', passed: 3, total: 3 },
      { label: judge!.label, kind: 'judge', passed: 2, total: 3 },
    ]);
    expect(got.satisfactionScore).toBeCloseTo(5 / 6, 4);
    expect(got.results.map((r) => r.run)).toEqual([1, 2, 3]);
    const done = await h.client.updateRun(run.runId, { status: 'complete', durationMs: 14812 });
    expect(done).toMatchObject({ status: 'complete', durationMs: 14812, runs: 3 });
    expect(done.completedAt).toBeTypeOf('string');
    // spec shape
    const shape = await h.raw('GET', `/v1/runs/${run.runId}`);
    for (const key of ['runId', 'status', 'scenario', 'satisfactionScore', 'runs', 'criteria', 'durationMs']) expect(shape.json).toHaveProperty(key);
    const again = await h.raw('PATCH', `/v1/runs/${run.runId}`, { body: { status: 'running' } });
    expect(again.status).toBe(409);
    expectEnvelope(again.json, 'mirra.run.finished');
  });

  it('validates updates and results', async () => {
    const run = await h.client.createRun({ scenarioMarkdown: markdown });
    expectEnvelope((await h.raw('PATCH', `/v1/runs/${run.runId}`, { body: { status: 'done' } })).json, 'mirra.request.invalid_value');
    expectEnvelope((await h.raw('PATCH', `/v1/runs/${run.runId}`, { body: { satisfactionScore: 2 } })).json, 'mirra.request.invalid_value');
    expectEnvelope((await h.raw('PATCH', `/v1/runs/${run.runId}`, { body: { stauts: 'running' } })).json, 'mirra.request.unknown_field');
    expectEnvelope((await h.raw('POST', `/v1/runs/${run.runId}/results`, { body: { run: 4, criteria: [] } })).json, 'mirra.request.invalid_value');
    expectEnvelope((await h.raw('POST', `/v1/runs/${run.runId}/results`, { body: { run: 1, criteria: [{ label: 'x', kind: 'vibe', passed: true }] } })).json, 'mirra.request.invalid_value');
    expectEnvelope((await h.raw('POST', `/v1/runs/${run.runId}/results`, { body: { run: 1, criteria: 'nope' } })).json, 'mirra.request.invalid_type');
    expectEnvelope((await h.raw('POST', `/v1/runs/${run.runId}/results`, { body: { run: 1, criteria: [{ label: 'x', kind: 'check' }] } })).json, 'mirra.request.missing_field');
    const explicit = await h.client.updateRun(run.runId, { status: 'failed', criteria: [{ label: 'a', kind: 'check', passed: 1, total: 3 }], error: { code: 'driver_crashed' } });
    expect(explicit.satisfactionScore).toBeCloseTo(1 / 3, 4);
    expect(explicit.error).toEqual({ code: 'driver_crashed' });
    const missing = await h.raw('GET', '/v1/runs/run_zzzzzz');
    expect(missing.status).toBe(404);
    expectEnvelope(missing.json, 'mirra.run.not_found');
  });

  it('lists runs newest first with pagination and filters', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await h.client.createRun({ scenarioMarkdown: markdown })).runId);
    const page = await h.client.listRuns({ limit: 2 });
    expect(page.data.map((r) => r.runId)).toEqual([ids[2], ids[1]]);
    expect(page.hasMore).toBe(true);
    const next = await h.client.listRuns({ limit: 2, cursor: page.nextCursor! });
    expect(next.data[0]!.runId).toBe(ids[0]);
    const queued = await h.client.listRuns({ status: 'queued', limit: 100 });
    expect(queued.data.every((r) => r.status === 'queued')).toBe(true);
  });
});
