import { defineConfig } from 'vitest/config';
import { withMirra } from 'mirra/vitest';

// The scenario file beside this config becomes a suite; `refund.test.ts` gets a Stripe
// mirror of its own, seeded with `subscription-lifecycle` and reset before every test.
export default defineConfig(withMirra({ mirrors: ['stripe'], seeds: { stripe: 'subscription-lifecycle' }, resetBetweenTests: true }));
