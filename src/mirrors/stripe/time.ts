/** Unix-second calendar arithmetic for billing periods (UTC, month ends clamped like Stripe). */

export type Interval = 'day' | 'week' | 'month' | 'year';

/** `from` + `count` intervals; monthly/yearly periods keep the anchor's day of month, clamped. */
export function addInterval(from: number, interval: Interval, count = 1, anchorDay?: number): number {
  const d = new Date(from * 1000);
  if (interval === 'day') return from + count * 86400;
  if (interval === 'week') return from + count * 7 * 86400;
  const months = interval === 'month' ? count : count * 12;
  const day = anchorDay ?? d.getUTCDate();
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const out = Date.UTC(y, m, Math.min(day, lastDay), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds());
  return Math.floor(out / 1000);
}

export function anchorDayOf(unix: number): number {
  return new Date(unix * 1000).getUTCDate();
}

/**
 * Seed timestamps: unix seconds, ISO 8601, or an offset from the session clock when the
 * seed is loaded (`now`, `-3d`, `+30d`, `-2h`, `+90m`).
 */
export function seedTime(value: unknown, nowMs: number): number | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  if (typeof value === 'number') return value > 1e12 ? Math.floor(value / 1000) : value;
  if (typeof value !== 'string') throw new Error(`Invalid timestamp ${JSON.stringify(value)}`);
  const s = value.trim();
  if (s === 'now') return Math.floor(nowMs / 1000);
  const rel = /^([+-])(\d+(?:\.\d+)?)([smhd])$/.exec(s);
  if (rel) {
    const unit = { s: 1, m: 60, h: 3600, d: 86400 }[rel[3] as 's' | 'm' | 'h' | 'd'];
    return Math.floor(nowMs / 1000) + (rel[1] === '-' ? -1 : 1) * Math.round(Number(rel[2]) * unit);
  }
  if (/^\d+$/.test(s)) return Number(s);
  const ms = Date.parse(s);
  if (!Number.isFinite(ms)) throw new Error(`Invalid timestamp '${s}' (use unix seconds, ISO 8601, or an offset like -3d)`);
  return Math.floor(ms / 1000);
}
