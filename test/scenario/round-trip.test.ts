import { describe, expect, test } from 'vitest';
import { formatScenario, parseScenario, validateScenario, type Scenario } from '../../src/scenario/index.js';
import { corpus, SOURCE_ONLY_WARNINGS, TEST_FIXTURES, withoutLines } from './helpers.js';

const parse = (markdown: string, file?: string) => parseScenario(markdown, { file, fixtures: TEST_FIXTURES });

/** What survives formatting: everything but line numbers and warnings about dropped text. */
function comparable(scenario: Scenario): Scenario {
  const stripped = withoutLines(scenario);
  return { ...stripped, warnings: stripped.warnings?.filter((warning) => !SOURCE_ONLY_WARNINGS.has(warning.code)) };
}

describe('formatScenario', () => {
  for (const item of corpus('valid')) {
    test(`round-trips ${item.name}`, () => {
      const scenario = parse(item.source, item.name);
      const formatted = formatScenario(scenario);
      const reparsed = parse(formatted, item.name);
      expect(comparable(reparsed)).toEqual(comparable(scenario));
      // Formatting is a fixpoint, line numbers included.
      expect(formatScenario(reparsed)).toBe(formatted);
      expect(parse(formatted, item.name)).toEqual(reparsed);
      // The JSON form of a parsed scenario validates to itself (criteria keep their lines).
      const validated = validateScenario(JSON.parse(JSON.stringify(scenario)), { fixtures: TEST_FIXTURES });
      expect(validated.criteria).toEqual(scenario.criteria);
      // Warnings are the same, worded for JSON fields (`config.fixtureFile`) instead of markdown keys.
      const codes = (s: Scenario) => comparable(s).warnings?.map((warning) => warning.code);
      expect({ ...validated, warnings: codes(validated) }).toEqual({ ...scenario, warnings: codes(scenario) });
    });
  }

  test('canonical output of the welcome email', () => {
    const scenario = parse(corpus('valid').find((item) => item.name === 'valid/welcome-email.md')!.source);
    expect(formatScenario(scenario)).toBe(`# Send Welcome Email on Signup

## Setup

A Resend account with one verified domain \`mail.acme.com\`. No emails have been sent yet.

## Prompt

When a user signs up with email \`alice@example.com\`, send them a welcome email
from \`hello@mail.acme.com\` with the subject "Welcome to Acme". Track delivery
through Resend's webhooks.

## Expected Behavior

The integration creates exactly one email through the Resend API. Resend sends
\`email.sent\` immediately and \`email.delivered\` a few seconds later; the app's
webhook handler verifies each signature and records the delivery.

## Success Criteria

- check: Exactly 1 email is created in the Resend mirror
- check: The email's \`from\` address is \`hello@mail.acme.com\`
- check: The email's \`to\` includes \`alice@example.com\`
- check: The email's subject is "Welcome to Acme"
- check: At least 1 \`email.delivered\` webhook was received by the handler
- judge: The subject line is friendly and on-brand
- judge: Error handling for bounces is implemented

## Config

mirrors: resend
runs: 3
`);
  });

  test('untagged criteria stay untagged, explicit ones keep their prefix', () => {
    const formatted = formatScenario(parse('# T\n\n## Success Criteria\n- Exactly 1 email is created\n- JUDGE: It reads well\n'));
    expect(formatted).toContain('- Exactly 1 email is created\n- judge: It reads well\n');
  });

  test('config values that would read differently are quoted', () => {
    const scenario = parse('# T\n\n## Success Criteria\n- No errors\n\n## Config\nfixture-file: "./seeds/a #1.json"\ndriver: \' ./d.ts\'\n');
    expect(scenario.config).toMatchObject({ fixtureFile: './seeds/a #1.json', driver: './d.ts' });
    expect(parse(formatScenario(scenario)).config).toEqual(scenario.config);
  });
});
