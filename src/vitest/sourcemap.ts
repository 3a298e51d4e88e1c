/**
 * A line-level source map, hand-rolled: every generated line maps (column 0) to one line of
 * the scenario markdown. That is all Vitest needs to put runtime test locations, static
 * (AST) locations and failure frames on the criterion's line (vitest-integration §3.3).
 */

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** One Base64 VLQ number, as in the Source Map v3 spec. */
export function encodeVlq(value: number): string {
  let rest = value < 0 ? (-value << 1) | 1 : value << 1;
  let out = '';
  do {
    let digit = rest & 31;
    rest >>>= 5;
    if (rest > 0) digit |= 32;
    out += BASE64[digit];
  } while (rest > 0);
  return out;
}

export interface SourceMapV3 {
  version: 3;
  file?: string;
  sources: string[];
  sourcesContent: string[];
  names: string[];
  mappings: string;
}

/**
 * `lines[i]` is the 1-based source line of generated line i + 1 (or null: unmapped).
 * Each mapped line gets one segment `[0, 0, Δline, 0]`.
 */
export function lineSourceMap(lines: ReadonlyArray<number | null>, source: { path: string; content: string }): SourceMapV3 {
  let previousLine = 0;
  const groups: string[] = [];
  for (const line of lines) {
    if (line === null) {
      groups.push('');
      continue;
    }
    const zeroBased = Math.max(0, line - 1);
    groups.push(encodeVlq(0) + encodeVlq(0) + encodeVlq(zeroBased - previousLine) + encodeVlq(0));
    previousLine = zeroBased;
  }
  return { version: 3, file: source.path, sources: [source.path], sourcesContent: [source.content], names: [], mappings: groups.join(';') };
}

/** Decodes `mappings` back to the source line of each generated line (tests, debugging). */
export function decodeLineMappings(mappings: string): Array<number | null> {
  const out: Array<number | null> = [];
  let sourceLine = 0;
  for (const group of mappings.split(';')) {
    if (group === '') {
      out.push(null);
      continue;
    }
    const first = group.split(',')[0];
    const values: number[] = [];
    let shift = 0;
    let acc = 0;
    for (const ch of first) {
      const digit = BASE64.indexOf(ch);
      acc += (digit & 31) << shift;
      if (digit & 32) {
        shift += 5;
      } else {
        values.push(acc & 1 ? -(acc >>> 1) : acc >>> 1);
        acc = 0;
        shift = 0;
      }
    }
    sourceLine += values[2] ?? 0;
    out.push(sourceLine + 1);
  }
  return out;
}
