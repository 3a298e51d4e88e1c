import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadFixtureCatalog, normalizeScenario, parseScenario, ScenarioError, validateScenario } from '../../src/scenario/index.js';
import { TEST_FIXTURES } from './helpers.js';

const validate = (input: unknown) => validateScenario(input, { fixtures: TEST_FIXTURES });
function errorOf(input: unknown): ScenarioError {
  try {
    validate(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return error as ScenarioError;
  }
  throw new Error('expected a ScenarioError');
}

describe('validateScenario (the JSON form of POST /v1/runs)', () => {
  test('the control-plane example validates and gets defaults', () => {
    const scenario = validate({
      title: 'Send Welcome Email on Signup',
      setup: 'A Resend account with one verified domain `mail.acme.com`…',
      prompt: 'When a user signs up with email `alice@example.com`…',
      expectedBehavior: 'The integration should create the email…',
      criteria: [
        { tag: 'check', text: 'Exactly 1 email is created in the Resend mirror' },
        { tag: 'judge', text: 'Error handling for bounces is implemented' },
      ],
      config: { mirrors: ['resend'], fixture: 'resend:transactional-busy', timeout: 60, runs: 3 },
    });
    expect(scenario.config).toEqual({ mirrors: ['resend'], fixture: 'resend:transactional-busy', timeout: 60, runs: 3, agent: 'custom', judgeModel: 'claude-haiku-4-5', persistent: false });
    expect(scenario.criteria.map((criterion) => [criterion.tag, criterion.inferred])).toEqual([['check', false], ['judge', false]]);
  });

  test('criteria without a tag, or as "check: ..." strings, are accepted', () => {
    const scenario = validate({ title: 'T', criteria: ['check: Exactly 1 email', { text: 'The copy is friendly' }], expectedBehavior: 'x' });
    expect(scenario.criteria).toEqual([
      { tag: 'check', text: 'Exactly 1 email', inferred: false },
      { tag: 'judge', text: 'The copy is friendly', inferred: true },
    ]);
  });

  test('errors have no line, name the field, and are all reported', () => {
    const error = errorOf({ title: '', criteria: [{ tag: 'maybe', text: 'x' }, { text: 42 }], config: { mirrors: ['github'], runs: 0, timeout: '5m', persistent: 'perhaps' } });
    expect(error.line).toBeUndefined();
    expect(error.issues.map((issue) => [issue.code, issue.field])).toEqual([
      ['mirra.scenario.missing_title', 'title'],
      ['mirra.scenario.invalid_input', 'criteria[0].tag'],
      ['mirra.scenario.invalid_input', 'criteria[1].text'],
      ['mirra.scenario.unknown_mirror', 'config.mirrors'],
      ['mirra.scenario.invalid_config', 'config.timeout'],
      ['mirra.scenario.invalid_config', 'config.runs'],
      ['mirra.scenario.invalid_config', 'config.persistent'],
    ]);
    for (const issue of error.issues) expect(issue.line).toBeUndefined();
    expect(error.issues[5].message).toBe("Invalid config.runs: 0 is not a positive whole number.");
  });

  test('not an object, no criteria, ambiguous bare fixture', () => {
    expect(errorOf('# markdown').code).toBe('mirra.scenario.invalid_input');
    expect(errorOf({ title: 'T', criteria: [] }).code).toBe('mirra.scenario.no_criteria');
    expect(errorOf({ title: 'T', criteria: ['No errors'], config: { fixture: 'empty' } }).code).toBe('mirra.scenario.ambiguous_fixture');
  });

  test('unknown JSON keys warn with the camelCase suggestion; markdown (kebab-case) keys are accepted', () => {
    const scenario = validate({ title: 'T', criteria: ['No errors'], config: { judge_model: 'gpt-4o-mini' } });
    expect(scenario.warnings?.[0].message).toBe("Unknown config key 'config.judge_model' is ignored; did you mean 'judgeModel'?");
    expect(validate({ title: 'T', criteria: ['No errors'], config: { 'judge-model': 'gpt-4o-mini' } }).config.judgeModel).toBe('gpt-4o-mini');
  });

  test('normalizeScenario fills defaults without validating', () => {
    const scenario = normalizeScenario({ title: 'T', criteria: ['Exactly 1 email is sent', { tag: 'judge', text: 'Reads well' }], config: { runs: 2 } });
    expect(scenario).toEqual({
      title: 'T',
      criteria: [
        { tag: 'check', text: 'Exactly 1 email is sent', inferred: true },
        { tag: 'judge', text: 'Reads well', inferred: false },
      ],
      config: { mirrors: [], timeout: 60, runs: 2, agent: 'custom', judgeModel: 'claude-haiku-4-5', persistent: false },
    });
  });
});

describe('fixture catalog', () => {
  test('is read from fixtures/<mirror>/<name>.json, and a missing folder is empty', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mirra-fixtures-'));
    mkdirSync(join(dir, 'resend'));
    writeFileSync(join(dir, 'resend', 'zeta.json'), '{}');
    writeFileSync(join(dir, 'resend', 'alpha.json'), '{}');
    writeFileSync(join(dir, 'resend', 'notes.txt'), '');
    expect(loadFixtureCatalog(dir)).toEqual({ resend: ['alpha', 'zeta'] });
    expect(loadFixtureCatalog(join(dir, 'nope'))).toEqual({});
  });

  test('the default catalog is the package fixtures/ folder', () => {
    const catalog = loadFixtureCatalog();
    expect(catalog.resend).toContain('transactional-busy');
    expect(catalog.stripe).toContain('subscription-lifecycle');
    expect(catalog.twilio).toContain('verify-flow');
    const scenario = parseScenario('# T\n\n## Success Criteria\n- No errors\n\n## Config\nfixture: stripe:dunning-active\n');
    expect(scenario.config.fixture).toBe('stripe:dunning-active');
  });
});
