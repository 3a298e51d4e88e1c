/**
 * Webhook payloads as Resend sends them: `{ type, created_at (ISO), data }`, no event id in
 * the body (the id is the `svix-id` header). Emitted through the engine's dispatcher, which
 * signs them with Svix and retries on Svix's schedule.
 */
import type { SessionContext } from '../core/context.js';
import type { ContactRow, DomainRow, EmailRow } from './types.js';
import { iso, isoMicro, parseTimestamp } from './timestamps.js';

export const EMAIL_EVENTS = [
  'email.sent',
  'email.scheduled',
  'email.delivered',
  'email.delivery_delayed',
  'email.complained',
  'email.bounced',
  'email.opened',
  'email.clicked',
  'email.received',
  'email.failed',
  'email.suppressed',
] as const;
export const CONTACT_EVENTS = ['contact.created', 'contact.updated', 'contact.deleted'] as const;
export const DOMAIN_EVENTS = ['domain.created', 'domain.updated', 'domain.deleted'] as const;
export const EVENT_TYPES: string[] = [...EMAIL_EVENTS, ...CONTACT_EVENTS, ...DOMAIN_EVENTS];

const asIsoMicro = (pg: string): string => {
  const ms = parseTimestamp(pg);
  return Number.isFinite(ms) ? isoMicro(ms) : pg;
};

export function emailEventData(email: EmailRow): Record<string, unknown> {
  const data: Record<string, unknown> = {
    created_at: asIsoMicro(email.created_at),
    email_id: email.id,
    from: email.from,
    to: email.to,
    subject: email.subject,
    message_id: email.message_id,
  };
  if (email.broadcast_id) data.broadcast_id = email.broadcast_id;
  if (email.tags.length > 0) data.tags = Object.fromEntries(email.tags.map((t) => [t.name, t.value]));
  return data;
}

function emit(ctx: SessionContext, type: string, data: Record<string, unknown>): void {
  ctx.webhooks.emit(type, { type, created_at: iso(ctx.now()), data });
}

export function emitEmailEvent(ctx: SessionContext, type: string, email: EmailRow, extra: Record<string, unknown> = {}): void {
  emit(ctx, type, { ...emailEventData(email), ...extra });
}

export function emitContactEvent(ctx: SessionContext, type: string, contact: ContactRow): void {
  emit(ctx, type, {
    id: contact.id,
    audience_id: contact.segment_ids[0] ?? null,
    segment_ids: contact.segment_ids,
    created_at: asIsoMicro(contact.created_at),
    updated_at: asIsoMicro(contact.updated_at),
    email: contact.email,
    first_name: contact.first_name,
    last_name: contact.last_name,
    unsubscribed: contact.unsubscribed,
  });
}

export function emitDomainEvent(ctx: SessionContext, type: string, domain: DomainRow): void {
  emit(ctx, type, {
    id: domain.id,
    name: domain.name,
    status: domain.status,
    created_at: asIsoMicro(domain.created_at),
    region: domain.region,
    records: domain.records,
  });
}
