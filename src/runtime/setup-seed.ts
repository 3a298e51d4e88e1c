/**
 * Starting state read from `## Setup` when a scenario names no `fixture:` or
 * `fixture-file:`. The hosted product has a small LLM write the seed; locally we read the
 * few facts scenarios state most often, deterministically, and nothing else:
 *
 * - Resend: every backticked domain (`mail.acme.com`) becomes a sending domain, `verified`
 *   unless its sentence says unverified / not verified (→ `not_started`), pending (→
 *   `pending`: verification in progress, as after `POST /domains/:id/verify`) or failed.
 * - Twilio: every backticked E.164 number (`+15555550123`) in a sentence about a number,
 *   sender or phone becomes a number the account owns.
 *
 * Anything else in Setup is context for drivers and judges only: use a fixture for it.
 */
import { createHash } from 'node:crypto';
import type { SeedInput } from '../client/index.js';
import type { Scenario } from '../scenario/index.js';

const DOMAIN = /^(?=.{4,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/i;
const E164 = /^\+[1-9]\d{7,14}$/;

interface Part {
  sentence: string;
  /** The backticked values in it. */
  values: string[];
}

function withValues(parts: string[]): Part[] {
  return parts
    .map((sentence) => ({ sentence, values: [...sentence.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!.trim()) }))
    .filter((part) => part.values.length > 0);
}

const splitSentences = (text: string) => text.split(/(?<=[.!?])\s+|\n{2,}|\n(?=\s*[-*] )/);

/** Sentences of the Setup text that hold backticked values. */
function sentences(text: string): Part[] {
  return withValues(splitSentences(text));
}

/** Clauses (split at commas, semicolons, "and", "but", "while"): a status word belongs to its clause. */
function clauses(text: string): Part[] {
  return withValues(splitSentences(text).flatMap((sentence) => sentence.split(/[,;]|\b(?:and|but|while|whereas)\b/i)));
}

/** Stable ids: the same Setup seeds the same rows in every run. */
function stableId(prefix: string, value: string, length: number): string {
  return prefix + createHash('sha256').update(value).digest('hex').slice(0, length);
}

function resendDomains(setup: string): Record<string, unknown>[] {
  const domains = new Map<string, string>();
  for (const { sentence, values } of clauses(setup)) {
    const lower = sentence.toLowerCase();
    const status = /\bfail(ed|s|ing)?\b/.test(lower)
      ? 'failed'
      : /\b(unverified|not (yet )?verified)\b/.test(lower)
        ? 'not_started'
        : /\bpending\b/.test(lower)
          ? 'pending'
          : 'verified';
    for (const value of values) {
      if (value.includes('@') || value.includes('/') || !DOMAIN.test(value)) continue;
      domains.set(value.toLowerCase(), status);
    }
  }
  return [...domains].map(([name, status]) => {
    const hex = stableId('', `resend-domain:${name}`, 32);
    const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
    return { id, name, status, region: 'us-east-1' };
  });
}

function twilioNumbers(setup: string): Record<string, unknown>[] {
  const numbers = new Set<string>();
  for (const { sentence, values } of sentences(setup)) {
    if (!/\b(numbers?|senders?|phone|from)\b/i.test(sentence)) continue;
    for (const value of values) if (E164.test(value)) numbers.add(value);
  }
  return [...numbers].map((phone_number) => ({ id: stableId('PN', `twilio-number:${phone_number}`, 32), phone_number, friendly_name: phone_number }));
}

/** Seeds for the scenario's mirrors that have no explicit seed, from `## Setup`. */
export function setupSeeds(scenario: Scenario, explicit: Record<string, SeedInput>): Record<string, SeedInput> {
  const setup = scenario.setup ?? '';
  const out: Record<string, SeedInput> = {};
  if (!setup.trim()) return out;
  for (const vendor of scenario.config.mirrors) {
    if (explicit[vendor] !== undefined) continue;
    if (vendor === 'resend') {
      const domains = resendDomains(setup);
      if (domains.length > 0) out.resend = { data: { mirror: 'resend', name: 'from-setup', description: 'Read from ## Setup', records: { domains } } };
    } else if (vendor === 'twilio') {
      const numbers = twilioNumbers(setup);
      if (numbers.length > 0) out.twilio = { data: { mirror: 'twilio', name: 'from-setup', description: 'Read from ## Setup', records: { incoming_phone_numbers: numbers } } };
    }
  }
  return out;
}
