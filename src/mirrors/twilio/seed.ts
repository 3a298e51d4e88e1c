/**
 * Seed rows: fill Twilio's defaults so a fixture only states what matters (`phone_number`,
 * `friendly_name`, ...). Dates may be ISO, Twilio's own formats, or relative (`-2h`, `-7d`).
 */
import type { SessionContext } from '../core/context.js';
import { API_VERSION, isoSeconds, rfc2822 } from './format.js';
import { friendlyName, normalizePhone, segmentCount } from './phone.js';
import { newIncomingNumber } from './routes/phone-numbers.js';
import { newMessagingService } from './routes/messaging-services.js';
import { newVerifyService } from './routes/verify.js';
import type { MessageRow, PhoneNumberRow, VerificationRow } from './types.js';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A seed time → session-clock ms (`-7d` is relative to the seed's clock). */
function seedTime(ctx: SessionContext, value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const rel = /^([+-]\d+)([smhd])$/.exec(value);
  if (rel) return ctx.now() + Number(rel[1]) * UNIT_MS[rel[2]];
  const t = Date.parse(value.replace(/ \+0000$/, ' GMT'));
  return Number.isFinite(t) ? t : undefined;
}

function dates(ctx: SessionContext, r: Record<string, unknown>, format: (ms: number) => string, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const t = seedTime(ctx, r[k]);
    if (t !== undefined) out[k] = format(t);
  }
  return out;
}

export function prepareSeedRecord(entity: string, record: Record<string, unknown>, ctx: SessionContext): Record<string, unknown> {
  const id = String(record.id);
  const r: Record<string, any> = { ...record, sid: typeof record.sid === "string" ? record.sid : id };
  switch (entity) {
    case 'incoming_phone_numbers': {
      const phone = normalizePhone(String(r.phone_number ?? '')) ?? String(r.phone_number ?? '');
      const row: PhoneNumberRow = newIncomingNumber(ctx, phone, { ...(r as Partial<PhoneNumberRow>), phone_number: phone, friendly_name: (r.friendly_name as string) ?? friendlyName(phone) });
      if (row.messaging_service_sid && !row.pool_date_added) row.pool_date_added = isoSeconds(ctx.now());
      return { ...row, ...dates(ctx, r, rfc2822, ['date_created', 'date_updated']) };
    }
    case 'messaging_services':
      return { ...newMessagingService(ctx, String(r.friendly_name ?? 'Messaging Service'), r), ...dates(ctx, r, isoSeconds, ['date_created', 'date_updated']) };
    case 'verify_services':
      return { ...newVerifyService(ctx, String(r.friendly_name ?? 'Verify Service'), r), ...dates(ctx, r, isoSeconds, ['date_created', 'date_updated']) };
    case 'messages': {
      const now = rfc2822(ctx.now());
      const body = String(r.body ?? '');
      const media = Array.isArray(r.media_urls) ? (r.media_urls as string[]) : [];
      const row: MessageRow = {
        account_sid: ctx.credentials.apiKey,
        api_version: API_VERSION,
        body,
        date_created: now,
        date_sent: r.status === 'delivered' || r.status === 'sent' || r.status === 'undelivered' ? now : null,
        date_updated: now,
        direction: 'outbound-api',
        error_code: null,
        error_message: null,
        from: null,
        messaging_service_sid: null,
        num_media: String(media.length),
        num_segments: String(segmentCount(body)),
        price: null,
        price_unit: 'USD',
        status: 'delivered',
        media_urls: media,
        status_callback: null,
        source: r.direction === 'inbound' ? 'inbound' : 'api',
        send_at: null,
        ...(r as Partial<MessageRow>),
        id,
        sid: String(r.sid),
        to: normalizePhone(String(r.to ?? '')) ?? String(r.to ?? ''),
      };
      return { ...row, ...dates(ctx, r, rfc2822, ['date_created', 'date_sent', 'date_updated']) };
    }
    case 'verifications': {
      const iso = isoSeconds(ctx.now());
      const row: VerificationRow = {
        service_sid: '',
        account_sid: ctx.credentials.apiKey,
        to: '',
        channel: 'sms',
        status: 'pending',
        valid: false,
        date_created: iso,
        date_updated: iso,
        send_code_attempts: [],
        code: '123456',
        check_attempts: 0,
        expires_at: new Date(ctx.now() + 600_000).toISOString(),
        message_sids: [],
        ...(r as Partial<VerificationRow>),
        id,
        sid: String(r.sid),
      };
      return { ...row, ...dates(ctx, r, isoSeconds, ['date_created', 'date_updated']) };
    }
    default:
      return { ...r, account_sid: r.account_sid ?? ctx.credentials.apiKey };
  }
}
