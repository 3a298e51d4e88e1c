import { randomBytes } from 'node:crypto';

/** Lowercase, URL-safe alphabet for public ids (`ses_a7k2`). */
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** `length` random characters of [a-z0-9], unbiased (rejection sampling). */
export function randomToken(length: number): string {
  let out = '';
  while (out.length < length) {
    const bytes = randomBytes(length * 2);
    for (const b of bytes) {
      if (b >= 252) continue; // 252 = 36 * 7: keep the distribution uniform
      out += ALPHABET[b % 36];
      if (out.length === length) break;
    }
  }
  return out;
}

/**
 * An id `<prefix>_<token>` that `taken` does not know yet. Starts at
 * `length` characters and grows by one after a few collisions, so ids stay
 * short (`ses_a7k2`) while never colliding.
 */
export function uniqueId(prefix: string, length: number, taken: (id: string) => boolean): string {
  for (let len = length; ; len++) {
    for (let attempt = 0; attempt < 8; attempt++) {
      const id = `${prefix}_${randomToken(len)}`;
      if (!taken(id)) return id;
    }
  }
}

export function newToken(): string {
  return `mt_pat_${randomToken(32)}`;
}
