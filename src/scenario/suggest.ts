/**
 * Nearest-name suggestions for typos ("did you mean ...?").
 * Plain Levenshtein distance; inputs are short identifiers, so O(n·m) is fine.
 */

/** Edit distance between two strings (insert, delete, substitute each cost 1). */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * The candidate closest to `input` (case-insensitive), or undefined when none is close
 * enough: at most `maxDistance` edits, and fewer edits than half the longer string, so
 * `xyz` never "suggests" `cline`.
 */
export function suggest(input: string, candidates: readonly string[], maxDistance = 3): string | undefined {
  const needle = input.toLowerCase();
  if (needle.length === 0 || needle.length > 200) return undefined;
  // A clipped name (`claude` for `claude-code`) is a typo too, however many letters are missing.
  const extended = candidates.filter((candidate) => needle.length >= 3 && candidate.toLowerCase().startsWith(needle));
  if (extended.length === 1) return extended[0];
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = levenshtein(needle, candidate.toLowerCase());
    const limit = Math.min(maxDistance, Math.ceil(Math.max(needle.length, candidate.length) / 2) - 1);
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
