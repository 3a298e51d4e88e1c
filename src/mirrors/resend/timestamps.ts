/**
 * Resend's REST bodies carry Postgres text timestamps (`2025-11-30 20:41:44.782119+00`),
 * webhook payloads carry ISO (`created_at` of the event: `2024-02-22T23:41:12.126Z`; the
 * email's `data.created_at`: `2024-02-22T23:41:11.894719+00:00`). The session clock has
 * millisecond resolution, so the last three microsecond digits are always `000`.
 */

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `YYYY-MM-DD HH:MM:SS.ffffff+00` (REST bodies). */
export function pgTimestamp(ms: number): string {
  const d = new Date(ms);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}000+00`
  );
}

/** `YYYY-MM-DDTHH:MM:SS.ffffff+00:00` (the `data.created_at` of webhook payloads). */
export function isoMicro(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '000+00:00');
}

/** `YYYY-MM-DDTHH:MM:SS.sssZ` (the event's own `created_at`). */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Parse either form (and plain ISO) back to epoch ms; NaN when unparseable. */
export function parseTimestamp(text: unknown): number {
  if (typeof text !== 'string') return NaN;
  const pg = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?(?:\+00(?::?00)?|Z)$/.exec(text.trim());
  if (pg) return Date.parse(`${pg[1]}T${pg[2]}.${(pg[3] ?? '0').padEnd(3, '0').slice(0, 3)}Z`);
  return Date.parse(text);
}

const OFFSET = /^([+-])(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/**
 * Seed timestamps may be relative to the session clock at seeding: `-3d`, `-2h30m`, `+1d`,
 * `now`. Returns epoch ms, or undefined when `text` is not a relative offset.
 */
export function relativeToNow(text: string, now: number): number | undefined {
  if (text === 'now') return now;
  const m = OFFSET.exec(text);
  if (!m || (!m[2] && !m[3] && !m[4] && !m[5])) return undefined;
  const ms = (Number(m[2] ?? 0) * 86400 + Number(m[3] ?? 0) * 3600 + Number(m[4] ?? 0) * 60 + Number(m[5] ?? 0)) * 1000;
  return m[1] === '-' ? now - ms : now + ms;
}

/**
 * `scheduled_at` accepts ISO 8601 or Resend's natural language (`in 1 min`, `in 2 hours`,
 * `tomorrow at 9am` is not supported). Returns epoch ms or NaN.
 */
export function parseSchedule(text: string, now: number): number {
  const nl = /^in\s+(\d+)\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hr|hrs|hours?|d|days?)$/i.exec(text.trim());
  if (nl) {
    const n = Number(nl[1]);
    const unit = nl[2].toLowerCase()[0];
    const mult = unit === 's' ? 1000 : unit === 'm' ? 60_000 : unit === 'h' ? 3_600_000 : 86_400_000;
    return now + n * mult;
  }
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return NaN;
  return Date.parse(text);
}
