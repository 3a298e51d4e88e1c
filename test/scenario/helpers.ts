import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FixtureCatalog } from '../../src/scenario/index.js';
import type { Scenario } from '../../src/scenario/index.js';

/** The built-in fixture names (docs/seed-format.md), fixed here so tests do not depend on the files. */
export const TEST_FIXTURES: FixtureCatalog = {
  resend: ['bounced-domain', 'empty', 'marketing-list', 'over-quota', 'transactional-busy'],
  stripe: ['dunning-active', 'empty', 'failed-payments', 'subscription-lifecycle'],
  twilio: ['empty', 'messaging-service', 'rate-limited', 'verified-numbers', 'verify-flow'],
};

export const CORPUS_DIR = fileURLToPath(new URL('./corpus/', import.meta.url));

export interface CorpusCase {
  kind: 'valid' | 'invalid';
  /** `valid/welcome-email.md`: also the `file` passed to the parser. */
  name: string;
  path: string;
  expectedPath: string;
  source: string;
}

export function corpus(kind?: 'valid' | 'invalid'): CorpusCase[] {
  const kinds = kind ? [kind] : (['valid', 'invalid'] as const);
  return kinds.flatMap((k) =>
    readdirSync(`${CORPUS_DIR}${k}`)
      .filter((file) => file.endsWith('.md'))
      .sort()
      .map((file) => ({
        kind: k,
        name: `${k}/${file}`,
        path: `${CORPUS_DIR}${k}/${file}`,
        expectedPath: `${CORPUS_DIR}${k}/${file.replace(/\.md$/, '.expected.json')}`,
        source: readFileSync(`${CORPUS_DIR}${k}/${file}`, 'utf8'),
      })),
  );
}

/** A scenario without source positions: what survives formatting and re-parsing. */
export function withoutLines(scenario: Scenario): Scenario {
  return {
    ...scenario,
    criteria: scenario.criteria.map(({ line: _line, ...criterion }) => criterion),
    warnings: (scenario.warnings ?? []).map(({ line: _line, ...warning }) => warning),
  };
}

/** Warnings about text a Scenario does not keep; they cannot survive formatting. */
export const SOURCE_ONLY_WARNINGS = new Set([
  'mirra.scenario.unknown_config_key',
  'mirra.scenario.ignored_config_line',
  'mirra.scenario.unknown_section',
  'mirra.scenario.section_heading_level',
]);
