/** Vendor-style identifiers and credentials: a prefix plus unguessable randomness. */
import { createHash, randomBytes } from 'node:crypto';

export const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const LOWER_ALPHANUMERIC = '0123456789abcdefghijklmnopqrstuvwxyz';
export const HEX = '0123456789abcdef';

/** `length` characters drawn uniformly from `alphabet` with crypto randomness. */
export function randomString(length: number, alphabet: string = ALPHANUMERIC): string {
  let out = '';
  const limit = 256 - (256 % alphabet.length);
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte >= limit) continue;
      out += alphabet[byte % alphabet.length];
      if (out.length === length) break;
    }
  }
  return out;
}

export function randomId(prefix: string, length = 24, alphabet: string = ALPHANUMERIC): string {
  return prefix + randomString(length, alphabet);
}

/** A random UUID v4 (Resend ids are UUIDs). */
export function uuid(): string {
  return globalThis.crypto.randomUUID();
}

/**
 * Deterministic id: the same (seed, counter) always gives the same id, so a session
 * seeded with `settings.deterministicIds` produces identical ids run after run.
 */
export function deterministicId(prefix: string, seed: string, counter: number, length = 24, alphabet: string = ALPHANUMERIC): string {
  let out = '';
  let block = 0;
  while (out.length < length) {
    const digest = createHash('sha256').update(`${seed}:${counter}:${block++}`).digest();
    for (const byte of digest) {
      out += alphabet[byte % alphabet.length];
      if (out.length === length) break;
    }
  }
  return prefix + out;
}

/** `whsec_<base64 of 24 random bytes>`: the Svix/Standard Webhooks secret format. */
export function svixSecret(): string {
  return 'whsec_' + randomBytes(24).toString('base64');
}
