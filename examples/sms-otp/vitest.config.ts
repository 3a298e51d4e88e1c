import { defineConfig } from 'vitest/config';
import { withMirra } from 'mirra/vitest';

// The scenario file beside this config becomes a suite; `login.test.ts` gets a Twilio mirror
// of its own, seeded with the same Verify service and sender number as the scenario
// (seeds/acme-login.json, relative to this project's root) and reset before every test.
export default defineConfig(withMirra({ mirrors: ['twilio'], seeds: { twilio: { file: './seeds/acme-login.json' } }, resetBetweenTests: true }));
