/** `90s`, `60m`, `2h`, `1h30m` or plain seconds (`90`) → whole seconds; undefined when malformed or not positive. */
export function parseDuration(text: string): number | undefined {
  const value = text.trim().toLowerCase();
  if (/^\d+$/.test(value)) {
    const seconds = Number(value);
    return seconds > 0 && Number.isSafeInteger(seconds) ? seconds : undefined;
  }
  if (!/^(\d+[hms])+$/.test(value)) return undefined;
  const factor: Record<string, number> = { h: 3600, m: 60, s: 1 };
  let seconds = 0;
  const seen = new Set<string>();
  for (const [, amount, unit] of value.matchAll(/(\d+)([hms])/g)) {
    if (seen.has(unit!)) return undefined;
    seen.add(unit!);
    seconds += Number(amount) * factor[unit!]!;
  }
  return seconds > 0 && Number.isSafeInteger(seconds) ? seconds : undefined;
}

/** `90` → `90s`, `3600` → `60m`, `5400` → `90m`. */
export function formatDuration(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}
