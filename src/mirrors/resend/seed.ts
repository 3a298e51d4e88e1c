/**
 * Seeds: rows are the objects as the API returns them; missing fields get Resend's
 * defaults. Timestamps may be absolute (ISO or Postgres text) or relative to the session
 * clock when the session is created (`-3d`, `-2h30m`, `+1h`, `now`).
 */
import type { SessionContext } from '../core/context.js';
import type { ApiKeyRow, ContactRow, DomainRow } from './types.js';
import { parseTimestamp, pgTimestamp, relativeToNow } from './timestamps.js';
import { generateRecords, recordStatusFor } from './domain-records.js';
import { DELIVER_TIMER, SEND_TIMER } from './delivery.js';
import { VERIFY_TIMER } from './routes/domains.js';
import { BROADCAST_TIMER } from './routes/broadcasts.js';
import { newUuid } from './ids.js';

const TIME_FIELDS = ['created_at', 'updated_at', 'scheduled_at', 'sent_at', 'last_used_at'];

function normalizeTime(value: unknown, now: number, field: string, entity: string): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value !== 'string') throw new Error(`records.${entity}: '${field}' must be a timestamp string.`);
  const rel = relativeToNow(value.trim(), now);
  const ms = rel ?? parseTimestamp(value);
  if (!Number.isFinite(ms)) throw new Error(`records.${entity}: '${field}' value '${value}' is not a timestamp (ISO, Postgres text, or an offset like -3d).`);
  return pgTimestamp(ms);
}

const arr = (v: unknown): string[] | null => (v === undefined || v === null ? null : Array.isArray(v) ? (v as string[]) : [String(v)]);

export function prepareSeedRecord(entity: string, record: Record<string, unknown>, ctx: SessionContext): Record<string, unknown> {
  const now = ctx.now();
  const r: Record<string, unknown> = { ...record };
  for (const f of TIME_FIELDS) if (f in r) r[f] = normalizeTime(r[f], now, f, entity);
  r.created_at ??= pgTimestamp(now);
  switch (entity) {
    case 'emails': {
      const from = String(r.from ?? 'onboarding@resend.dev');
      const domain = from.replace(/.*@/, '').replace(/>.*/, '');
      return {
        object: 'email',
        id: r.id,
        from,
        to: arr(r.to) ?? [],
        cc: arr(r.cc),
        bcc: arr(r.bcc),
        reply_to: arr(r.reply_to),
        subject: r.subject ?? '',
        html: r.html ?? null,
        text: r.text ?? null,
        created_at: r.created_at,
        scheduled_at: r.scheduled_at ?? null,
        last_event: r.last_event ?? 'delivered',
        message_id: r.message_id ?? `<${String(r.id)}@${domain}>`,
        tags: r.tags ?? [],
        headers: r.headers ?? null,
        attachments: r.attachments ?? [],
        topic_id: r.topic_id ?? null,
        broadcast_id: r.broadcast_id ?? null,
      };
    }
    case 'domains': {
      const status = (r.status as DomainRow['status']) ?? 'not_started';
      const base = {
        id: String(r.id),
        name: String(r.name ?? '').toLowerCase(),
        region: (r.region as string) ?? 'us-east-1',
        capabilities: (r.capabilities as DomainRow['capabilities']) ?? { sending: 'enabled', receiving: 'disabled' },
        custom_return_path: (r.custom_return_path as string) ?? 'send',
        tracking_subdomain: (r.tracking_subdomain as string | undefined) ?? null,
      };
      if (!base.name) throw new Error(`records.domains: '${base.id}' needs a 'name'.`);
      return {
        object: 'domain',
        ...base,
        status,
        created_at: r.created_at,
        open_tracking: r.open_tracking ?? false,
        click_tracking: r.click_tracking ?? false,
        tls: r.tls ?? 'opportunistic',
        records: r.records ?? generateRecords(base, recordStatusFor(status)),
      } satisfies Omit<DomainRow, 'tracking_subdomain'> & Record<string, unknown>;
    }
    case 'contacts': {
      const segments = arr(r.segment_ids) ?? arr(r.audience_id) ?? [];
      const row: ContactRow = {
        object: 'contact',
        id: String(r.id),
        email: String(r.email ?? ''),
        first_name: (r.first_name as string | null) ?? null,
        last_name: (r.last_name as string | null) ?? null,
        created_at: r.created_at as string,
        unsubscribed: r.unsubscribed === true,
        properties: (r.properties as Record<string, unknown>) ?? {},
        segment_ids: segments,
        updated_at: (r.updated_at as string) ?? (r.created_at as string),
      };
      if (!row.email) throw new Error(`records.contacts: '${row.id}' needs an 'email'.`);
      return row;
    }
    case 'audiences':
      if (typeof r.name !== 'string') throw new Error(`records.audiences: '${String(r.id)}' needs a 'name'.`);
      return { id: r.id, name: r.name, created_at: r.created_at };
    case 'broadcasts':
      return {
        object: 'broadcast',
        id: r.id,
        name: r.name ?? '',
        segment_id: r.segment_id ?? null,
        audience_id: r.audience_id ?? null,
        from: r.from ?? null,
        subject: r.subject ?? null,
        reply_to: arr(r.reply_to),
        preview_text: r.preview_text ?? null,
        status: r.status ?? 'draft',
        created_at: r.created_at,
        scheduled_at: r.scheduled_at ?? null,
        sent_at: r.sent_at ?? null,
        topic_id: r.topic_id ?? null,
        html: r.html ?? null,
        text: r.text ?? null,
      };
    case 'api_keys':
      return {
        id: r.id,
        name: r.name ?? 'Seeded key',
        created_at: r.created_at,
        last_used_at: r.last_used_at ?? null,
        permission: r.permission ?? 'full_access',
        domain_id: r.domain_id ?? null,
        token: r.token ?? '',
      } satisfies Record<keyof ApiKeyRow, unknown>;
    default:
      return r;
  }
}

/** Timers for seeded rows still in flight, and the key the session itself uses. */
export function afterSeed(ctx: SessionContext): void {
  const now = ctx.now();
  for (const e of ctx.db.list<{ id: string; last_event: string; scheduled_at: string | null }>('emails')) {
    if (e.last_event === 'scheduled' && e.scheduled_at) ctx.timers.schedule(SEND_TIMER, { at: Math.max(now, parseTimestamp(e.scheduled_at)) }, { emailId: e.id });
    if (e.last_event === 'sent') ctx.timers.schedule(DELIVER_TIMER, 0, { emailId: e.id });
  }
  for (const d of ctx.db.list<{ id: string; status: string }>('domains')) {
    if (d.status === 'pending') ctx.timers.schedule(VERIFY_TIMER, 0, { domainId: d.id });
  }
  for (const b of ctx.db.list<{ id: string; status: string; scheduled_at: string | null }>('broadcasts')) {
    if (b.status === 'queued') ctx.timers.schedule(BROADCAST_TIMER, { at: b.scheduled_at ? Math.max(now, parseTimestamp(b.scheduled_at)) : now }, { broadcastId: b.id });
  }
  if (ctx.db.count('api_keys') === 0) {
    const row: ApiKeyRow = { id: newUuid(ctx), name: 'Mirra session key', created_at: pgTimestamp(now), last_used_at: null, permission: 'full_access', domain_id: null, token: '' };
    ctx.db.insert('api_keys', row);
  }
}
