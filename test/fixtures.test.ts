import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';

const root = new URL('../fixtures/', import.meta.url);
const schema = JSON.parse(readFileSync(new URL('seed.schema.json', root), 'utf8'));

/** Every named fixture the spec lists (spec §6.3–6.5). */
const expected: Record<string, string[]> = {
  resend: ['bounced-domain', 'empty', 'marketing-list', 'over-quota', 'transactional-busy'],
  stripe: ['dunning-active', 'empty', 'failed-payments', 'subscription-lifecycle'],
  twilio: ['empty', 'messaging-service', 'rate-limited', 'verified-numbers', 'verify-flow'],
};

describe('built-in fixtures', () => {
  test('every fixture the spec names exists, and no other', () => {
    for (const [mirror, names] of Object.entries(expected)) {
      const found = readdirSync(new URL(`${mirror}/`, root)).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
      expect(found, mirror).toEqual(names);
    }
  });

  for (const [mirror, names] of Object.entries(expected)) {
    for (const name of names) {
      test(`${mirror}/${name}.json follows the seed schema`, () => {
        const seed = JSON.parse(readFileSync(new URL(`${mirror}/${name}.json`, root), 'utf8'));
        expect(seed.mirror).toBe(mirror);
        expect(seed.name).toBe(name);
        expect(Object.keys(seed).filter((k) => !(k in schema.properties))).toEqual([]);
        expect(typeof seed.description).toBe('string');
        for (const [entity, rows] of Object.entries(seed.records ?? {})) {
          expect(Array.isArray(rows), entity).toBe(true);
          for (const row of rows as { id?: unknown }[]) expect(typeof row.id, `${entity} row id`).toBe('string');
        }
        for (const hook of seed.webhooks ?? []) expect(typeof hook.url).toBe('string');
      });
    }
  }
});
