/**
 * The mirrors `startServer()` / `mirra serve` run by default. Each vendor issue
 * adds its definition here (`import { resend } from './resend/index.js'`).
 * Test-only mirrors live under `test/mirrors/` and are passed explicitly
 * (`startServer({ mirrors: [...] })`).
 */
import type { MirrorDefinition } from './core/definition.js';
import { resend } from './resend/index.js';
import { stripe } from './stripe/index.js';
import { twilio } from './twilio/index.js';

export const defaultMirrors: MirrorDefinition[] = [resend, stripe, twilio];
