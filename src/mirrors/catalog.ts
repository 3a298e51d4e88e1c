/**
 * The mirrors `startServer()` / `mirra serve` run by default. Each vendor issue
 * adds its definition here (`import { resend } from './resend/index.js'`).
 * Test-only mirrors live under `test/mirrors/` and are passed explicitly
 * (`startServer({ mirrors: [...] })`).
 */
import type { MirrorDefinition } from './core/definition.js';
import { resend } from './resend/index.js';

export const defaultMirrors: MirrorDefinition[] = [resend];
