import { describe, expect, test } from 'vitest';
import { CONFIG_DEFAULTS, parseScenario, ScenarioError, type Scenario } from '../../src/scenario/index.js';
import { TEST_FIXTURES } from './helpers.js';

const withConfig = (config: string, extra = ''): string => `# T\n\n${extra}## Success Criteria\n- Exactly 1 email is created\n\n## Config\n${config}\n`;
const parse = (markdown: string): Scenario => parseScenario(markdown, { file: 's.md', fixtures: TEST_FIXTURES });
const errorOf = (markdown: string): ScenarioError => {
  try {
    parse(markdown);
  } catch (error) {
    if (error instanceof ScenarioError) return error;
    throw error;
  }
  throw new Error('expected a ScenarioError');
};
const codes = (markdown: string) => errorOf(markdown).issues.map((issue) => issue.code);

describe('## Config forms', () => {
  const expected = { mirrors: ['resend', 'twilio'], fixture: 'resend:transactional-busy', timeout: 30, runs: 3 };

  test('plain lines', () => {
    expect(parse(withConfig('mirrors: resend, twilio\nfixture: resend:transactional-busy\ntimeout: 30\nruns: 3')).config).toMatchObject(expected);
  });

  test('a markdown list, any bullet', () => {
    expect(parse(withConfig('- mirrors: resend, twilio\n- fixture: resend:transactional-busy\n* timeout: 30\n+ runs: 3')).config).toMatchObject(expected);
  });

  test('a fenced yaml block with comments and a block list', () => {
    const yaml = '```yaml\n# which mirrors\nmirrors:\n  - resend\n  - twilio\nfixture: resend:transactional-busy # busy\ntimeout: 30\nruns: 3\n```';
    expect(parse(withConfig(yaml)).config).toMatchObject(expected);
  });

  test('a list with a nested list value, and an inline yaml list', () => {
    expect(parse(withConfig('- mirrors:\n  - resend\n  - twilio\n- runs: 3')).config.mirrors).toEqual(['resend', 'twilio']);
    expect(parse(withConfig('mirrors: [Resend, "twilio"]')).config.mirrors).toEqual(['resend', 'twilio']);
  });

  test('an indented code block', () => {
    expect(parse(withConfig('    mirrors: resend\n    runs: 4')).config).toMatchObject({ mirrors: ['resend'], runs: 4 });
  });

  test('bold keys, backticked values, quotes, trailing comments, camelCase and snake_case keys', () => {
    const config = parse(withConfig('**mirrors**: resend\n`runs: 2`\ntimeout: "45"\njudgeModel: gpt-4o-mini\nfixture_file: "./seed #1.json"\nagent: `Cursor`', '## Prompt\nGo.\n\n')).config;
    expect(config).toMatchObject({ mirrors: ['resend'], runs: 2, timeout: 45, judgeModel: 'gpt-4o-mini', fixtureFile: './seed #1.json', agent: 'cursor' });
  });

  test('config lines report their own line numbers', () => {
    const error = errorOf(withConfig('mirrors: resend\n\n```yaml\nruns: 0\n```'));
    expect(error.line).toBe(10);
  });
});

describe('defaults', () => {
  test('no config section', () => {
    const config = parse('# T\n\n## Success Criteria\n- Exactly 1 email is created\n').config;
    expect(config).toEqual({ mirrors: [], ...CONFIG_DEFAULTS });
    expect(config).toEqual({ mirrors: [], timeout: 60, runs: 1, agent: 'custom', judgeModel: 'claude-haiku-4-5', persistent: false });
  });

  test('each key, with booleans in their accepted spellings', () => {
    for (const [word, value] of [['true', true], ['yes', true], ['On', true], ['false', false], ['no', false], ['OFF', false]] as const) {
      expect(parse(withConfig(`persistent: ${word}`)).config.persistent).toBe(value);
    }
    expect(parse(withConfig('driver: ./drivers/signup.ts')).config.driver).toBe('./drivers/signup.ts');
    expect(parse(withConfig('mirror-version: stripe@0.7.3-beta.1+exp', '## Prompt\nGo.\n\n')).config).toMatchObject({ mirrors: ['stripe'], mirrorVersion: 'stripe@0.7.3-beta.1+exp' });
  });
});

describe('fixtures', () => {
  test('a bare fixture takes the one listed mirror', () => {
    expect(parse(withConfig('mirrors: stripe\nfixture: dunning-active')).config.fixture).toBe('stripe:dunning-active');
  });

  test('a qualified fixture infers mirrors when none are listed; so does mirror-version', () => {
    expect(parse(withConfig('fixture: twilio:verify-flow')).config.mirrors).toEqual(['twilio']);
    expect(parse(withConfig('fixture: twilio:verify-flow\nmirror-version: resend@1.0.0')).config.mirrors).toEqual(['twilio', 'resend']);
    expect(parse(withConfig('mirror-version: stripe@1.2.3\nfixture: empty')).config).toMatchObject({ mirrors: ['stripe'], fixture: 'stripe:empty' });
  });

  test('a bare fixture with zero or several mirrors is ambiguous, with the qualified form as hint', () => {
    const none = errorOf(withConfig('fixture: transactional-busy'));
    expect(none.code).toBe('mirra.scenario.ambiguous_fixture');
    expect(none.hint).toContain('resend:transactional-busy');
    const two = errorOf(withConfig('mirrors: resend, twilio\nfixture: empty'));
    expect(two.code).toBe('mirra.scenario.ambiguous_fixture');
    expect(two.hint).toContain("'fixture: resend:empty' or 'fixture: twilio:empty'");
  });

  test('unknown fixture: did you mean, and the list of that mirror', () => {
    const error = errorOf(withConfig('mirrors: resend\nfixture: resend:transactional-bust'));
    expect(error.code).toBe('mirra.scenario.unknown_fixture');
    expect(error.message).toBe("s.md:8: Unknown fixture 'resend:transactional-bust'.");
    expect(error.hint).toMatch(/^Did you mean 'resend:transactional-busy'\? Fixtures for resend: bounced-domain, empty, marketing-list, over-quota, transactional-busy\./);
  });

  test('fixture-file is kept as written and wins over fixture, with a warning', () => {
    const scenario = parse(withConfig('mirrors: stripe\nfixture: stripe:empty\nfixture-file: ../seeds/My Seed.json'));
    expect(scenario.config).toMatchObject({ fixture: 'stripe:empty', fixtureFile: '../seeds/My Seed.json' });
    expect(scenario.warnings?.map((warning) => warning.code)).toEqual(['mirra.scenario.fixture_overridden']);
  });

  test('a fixture or version pin of an unlisted mirror is an error', () => {
    expect(codes(withConfig('mirrors: stripe\nfixture: resend:empty'))).toEqual(['mirra.scenario.invalid_config']);
    expect(codes(withConfig('mirrors: stripe\nmirror-version: resend@1.0.0'))).toEqual(['mirra.scenario.invalid_config']);
  });
});

describe('invalid values', () => {
  test.each([
    ['runs: 0'],
    ['runs: -2'],
    ['runs: three'],
    ['runs: 2.5'],
    ['timeout: -1'],
    ['timeout: soon'],
    ['timeout: 0'],
    ['persistent: maybe'],
    ['mirror-version: stripe-0.7.3'],
    ['mirror-version: stripe@1.2'],
    ['agent: gpt'],
    ['judge-model: two words'],
    ['mirrors:'],
    ['fixture-file:'],
    ['runs: 3\nruns: 4'],
  ])('%s → invalid_config', (line) => {
    expect(codes(withConfig(line))).toEqual(['mirra.scenario.invalid_config']);
  });

  test('unknown mirror names the mirror and says it is not in the catalog', () => {
    const error = errorOf(withConfig('mirrors: github'));
    expect(error.code).toBe('mirra.scenario.unknown_mirror');
    expect(error.message).toContain("'github'");
    expect(error.message).toContain('not in the catalog');
    expect(errorOf(withConfig('mirrors: resnd')).hint).toBe("Did you mean 'resend'?");
  });

  test('unknown agent suggests the nearest one, also for a clipped name', () => {
    expect(errorOf(withConfig('agent: claude')).hint).toMatch(/^Did you mean 'claude-code'\?/);
    expect(errorOf(withConfig('agent: cursr')).hint).toMatch(/^Did you mean 'cursor'\?/);
  });
});

describe('warnings', () => {
  test('unknown keys suggest the nearest key and are otherwise ignored', () => {
    const scenario = parse(withConfig('mirrors: resend\ntimout: 30\nflavour: vanilla'));
    expect(scenario.config.timeout).toBe(60);
    expect(scenario.warnings).toEqual([
      { code: 'mirra.scenario.unknown_config_key', message: "Unknown config key 'timout' is ignored; did you mean 'timeout'?", line: 8 },
      expect.objectContaining({ code: 'mirra.scenario.unknown_config_key', line: 9 }),
    ]);
  });

  test('a near-miss judge model is accepted with a warning; other models silently', () => {
    expect(parse(withConfig('judge-model: claude-haiku-4.5')).warnings?.[0]).toMatchObject({ code: 'mirra.scenario.unknown_judge_model' });
    expect(parse(withConfig('judge-model: llama-3.1-70b')).warnings).toEqual([]);
  });
});
