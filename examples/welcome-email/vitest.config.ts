import { defineConfig } from 'vitest/config';
import { withMirra } from 'mirra/vitest';

// The scenario file beside this config becomes a suite; `signup.test.ts` gets a Resend
// mirror of its own, reset before every test.
export default defineConfig(withMirra({ mirrors: ['resend'], seeds: { resend: 'transactional-busy' }, resetBetweenTests: true }));
