/**
 * Engine-level failures (unknown mirror, bad seed, snapshot problems). The control
 * plane maps them onto its `{ error: { code, message, hint } }` envelope; the mirror
 * admin endpoints (`/_mirra/*`) answer with the same envelope.
 */
import type { MirrorEngineErrorShape } from './host-types.js';

export class MirrorEngineError extends Error implements MirrorEngineErrorShape {
  readonly code: string;
  readonly hint: string;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, hint: string, status: number, details?: Record<string, unknown>) {
    super(message);
    this.name = 'MirrorEngineError';
    this.code = code;
    this.hint = hint;
    this.status = status;
    this.details = details;
  }

  toJSON(): { error: Record<string, unknown> } {
    return { error: { code: this.code, message: this.message, hint: this.hint, ...(this.details ?? {}) } };
  }
}

export function isMirrorEngineError(err: unknown): err is MirrorEngineError {
  return err instanceof MirrorEngineError;
}

export function mirrorNotInCatalog(name: string): MirrorEngineError {
  return new MirrorEngineError(
    'mirra.session.mirror_not_in_catalog',
    `Unknown mirror '${name}'. Not in the current catalog.`,
    'See https://mirra.run/docs/mirrors/overview for supported mirrors.',
    400,
  );
}

/** Levenshtein distance, for did-you-mean hints. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

/** The closest candidate within a small distance, or undefined. */
export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(input.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  if (best === undefined) return undefined;
  return bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}
