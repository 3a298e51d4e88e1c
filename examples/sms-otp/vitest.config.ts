import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
import { withMirra } from 'mirra/vitest';

// The scenario file beside this config becomes a suite; `login.test.ts` gets a Twilio mirror
// of its own, seeded with the same Verify service and sender number as the scenario
// (seeds/acme-login.json) and reset before every test.
const seed: unknown = JSON.parse(readFileSync(new URL('./seeds/acme-login.json', import.meta.url), 'utf8'));

export default defineConfig(withMirra({ mirrors: ['twilio'], seeds: { twilio: { data: seed } }, resetBetweenTests: true }));
