/**
 * Phone numbers: search available numbers (`AvailablePhoneNumbers/{Country}/Local.json`,
 * `Mobile.json`, `TollFree.json`) and provision, list, update and release incoming
 * numbers (`IncomingPhoneNumbers.json`).
 */
import type { RouteDefinition } from '../../core/definition.js';
import type { RouteContext, SessionContext } from '../../core/context.js';
import { fail, notFound } from '../errors.js';
import { accountPath, bool, newSid, rfc2822, str } from '../format.js';
import { E164, friendlyName, normalizePhone } from '../phone.js';
import { renderIncomingNumber } from '../render.js';
import { page2010 } from '../paging.js';
import type { PhoneNumberRow } from '../types.js';
import { field, form, methodField, requireAccount, sidParam, urlField } from './common.js';

/** Where searched numbers come from: area code → locality (US). */
const AREAS: Record<string, { locality: string; region: string; postal: string; lat: string; lng: string }> = {
  '415': { locality: 'San Francisco', region: 'CA', postal: '94107', lat: '37.770000', lng: '-122.390000' },
  '212': { locality: 'New York', region: 'NY', postal: '10001', lat: '40.750000', lng: '-73.990000' },
  '312': { locality: 'Chicago', region: 'IL', postal: '60601', lat: '41.880000', lng: '-87.630000' },
  '512': { locality: 'Austin', region: 'TX', postal: '78701', lat: '30.270000', lng: '-97.740000' },
  '206': { locality: 'Seattle', region: 'WA', postal: '98101', lat: '47.610000', lng: '-122.330000' },
};
const TYPES: Record<string, { capabilities: { voice: boolean; SMS: boolean; MMS: boolean; fax: boolean }; prefix?: string }> = {
  'Local.json': { capabilities: { voice: true, SMS: true, MMS: true, fax: false } },
  'Mobile.json': { capabilities: { voice: true, SMS: true, MMS: false, fax: false } },
  'TollFree.json': { capabilities: { voice: true, SMS: true, MMS: true, fax: false }, prefix: '833' },
};

/** Deterministic per (area, index): the same search finds the same numbers until one is bought. */
function candidate(area: string, i: number): string {
  const line = String((1000 + i * 37) % 10000).padStart(4, '0');
  return `+1${area}5${String(50 + (i % 50)).padStart(2, '0')}${line}`;
}

function availableNumbers(ctx: RouteContext) {
  requireAccount(ctx);
  const country = (ctx.req.params.country ?? '').toUpperCase();
  const type = TYPES[ctx.req.params.type ?? ''];
  if (!type) notFound(ctx.req.path);
  if (country !== 'US' && country !== 'CA') notFound(ctx.req.path);
  const q = ctx.req.query;
  const areaRaw = str(q.AreaCode);
  if (areaRaw !== undefined && !/^\d{3}$/.test(areaRaw)) fail(400, 21452, `AreaCode ${areaRaw} is invalid`);
  const area = type!.prefix ?? areaRaw ?? '415';
  const contains = str(q.Contains)?.replace(/\*/g, '');
  if (contains !== undefined && !/^\+?[\d]*$/.test(contains)) fail(400, 21452, `Contains ${str(q.Contains)} is invalid`);
  const wantSms = bool(q.SmsEnabled);
  const wantMms = bool(q.MmsEnabled);
  const wantVoice = bool(q.VoiceEnabled);
  const caps = type!.capabilities;
  if ((wantSms === true && !caps.SMS) || (wantMms === true && !caps.MMS) || (wantVoice === true && !caps.voice)) {
    return ctx.reply(200, { uri: `${accountPath(ctx)}/AvailablePhoneNumbers/${country}/${ctx.req.params.type}`, available_phone_numbers: [] });
  }
  const owned = new Set(ctx.db.list<PhoneNumberRow>('incoming_phone_numbers').map((n) => n.phone_number));
  const pageSize = Math.min(Math.max(Number(str(q.PageSize) ?? 30) || 30, 1), 1000);
  const place = AREAS[area] ?? { locality: 'Springfield', region: 'IL', postal: '62701', lat: '39.780000', lng: '-89.650000' };
  const found: Array<Record<string, unknown>> = [];
  for (let i = 0; i < 400 && found.length < pageSize; i++) {
    const number = candidate(area, i);
    if (owned.has(number) || (contains && !number.includes(contains.replace(/^\+/, '')))) continue;
    found.push({
      friendly_name: friendlyName(number),
      phone_number: number,
      lata: '722',
      locality: type!.prefix ? null : place.locality,
      rate_center: type!.prefix ? null : place.locality.toUpperCase().replace(/\s+/g, ' '),
      latitude: type!.prefix ? null : place.lat,
      longitude: type!.prefix ? null : place.lng,
      region: type!.prefix ? null : place.region,
      postal_code: type!.prefix ? null : place.postal,
      iso_country: country,
      address_requirements: 'none',
      beta: false,
      capabilities: caps,
    });
  }
  return ctx.reply(200, { uri: `${accountPath(ctx)}/AvailablePhoneNumbers/${country}/${ctx.req.params.type}`, available_phone_numbers: found });
}

export function newIncomingNumber(ctx: SessionContext, phoneNumber: string, patch: Partial<PhoneNumberRow> = {}): PhoneNumberRow {
  const now = rfc2822(ctx.now());
  const sid = typeof patch.sid === 'string' ? patch.sid : newSid(ctx, 'PN');
  return {
    id: sid,
    sid,
    account_sid: ctx.credentials.apiKey,
    phone_number: phoneNumber,
    friendly_name: friendlyName(phoneNumber),
    capabilities: { voice: true, sms: true, mms: true, fax: false },
    sms_url: '',
    sms_method: 'POST',
    sms_fallback_url: '',
    sms_fallback_method: 'POST',
    voice_url: null,
    voice_method: 'POST',
    status_callback: '',
    status_callback_method: 'POST',
    iso_country: phoneNumber.startsWith('+1') ? 'US' : 'XX',
    date_created: now,
    date_updated: now,
    messaging_service_sid: null,
    pool_date_added: null,
    ...patch,
  };
}

/** Fields settable on create and update. */
function configPatch(f: Record<string, unknown>): Partial<PhoneNumberRow> {
  const patch: Partial<PhoneNumberRow> = {};
  const friendly = field(f, 'FriendlyName');
  if (friendly !== undefined) {
    if (friendly.length > 64) fail(400, 20001, 'FriendlyName must be 64 characters or fewer');
    patch.friendly_name = friendly;
  }
  const smsUrl = urlField(f, 'SmsUrl', 21502);
  if (smsUrl !== undefined) patch.sms_url = smsUrl;
  const smsMethod = methodField(f, 'SmsMethod');
  if (smsMethod) patch.sms_method = smsMethod;
  const fallback = urlField(f, 'SmsFallbackUrl', 21502);
  if (fallback !== undefined) patch.sms_fallback_url = fallback;
  const fallbackMethod = methodField(f, 'SmsFallbackMethod');
  if (fallbackMethod) patch.sms_fallback_method = fallbackMethod;
  const voiceUrl = urlField(f, 'VoiceUrl', 21502);
  if (voiceUrl !== undefined) patch.voice_url = voiceUrl;
  const voiceMethod = methodField(f, 'VoiceMethod');
  if (voiceMethod) patch.voice_method = voiceMethod;
  const cb = urlField(f, 'StatusCallback', 21609);
  if (cb !== undefined) patch.status_callback = cb;
  const cbMethod = methodField(f, 'StatusCallbackMethod');
  if (cbMethod) patch.status_callback_method = cbMethod;
  return patch;
}

function provision(ctx: RouteContext) {
  requireAccount(ctx);
  const f = form(ctx);
  const raw = field(f, 'PhoneNumber');
  const area = field(f, 'AreaCode');
  let number: string | undefined;
  if (raw !== undefined && raw !== '') {
    number = normalizePhone(raw);
    if (!number || !E164.test(number)) fail(400, 21421, `PhoneNumber is invalid`);
    if (ctx.db.find('incoming_phone_numbers', { phone_number: number! })) fail(400, 21422, 'PhoneNumber requested is not available');
  } else if (area !== undefined && area !== '') {
    if (!/^\d{3}$/.test(area)) fail(400, 21452, `AreaCode ${area} is invalid`);
    const owned = new Set(ctx.db.list<PhoneNumberRow>('incoming_phone_numbers').map((n) => n.phone_number));
    for (let i = 0; i < 400 && !number; i++) if (!owned.has(candidate(area, i))) number = candidate(area, i);
    if (!number) fail(400, 21452, `No phone numbers found in area code ${area}`);
  } else {
    fail(400, 21450, 'PhoneNumber or AreaCode is required');
  }
  const row = ctx.db.insert('incoming_phone_numbers', newIncomingNumber(ctx, number!, configPatch(f)));
  return ctx.reply(201, renderIncomingNumber(row));
}

function loadNumber(ctx: RouteContext): PhoneNumberRow {
  const n = ctx.db.get<PhoneNumberRow>('incoming_phone_numbers', sidParam(ctx));
  if (!n) notFound(ctx.req.path);
  return n!;
}

function listNumbers(ctx: RouteContext) {
  requireAccount(ctx);
  const q = ctx.req.query;
  const filters: Array<[string, string]> = [];
  const phone = str(q.PhoneNumber);
  const friendly = str(q.FriendlyName);
  if (phone !== undefined) filters.push(['PhoneNumber', phone]);
  if (friendly !== undefined) filters.push(['FriendlyName', friendly]);
  const digits = phone?.replace(/[^\d]/g, '');
  const rows = ctx.db
    .list<PhoneNumberRow>('incoming_phone_numbers', { order: 'desc' })
    .filter((n) => (digits === undefined || n.phone_number.includes(digits)) && (friendly === undefined || n.friendly_name === friendly));
  return ctx.reply(200, page2010(ctx, 'incoming_phone_numbers', `${accountPath(ctx)}/IncomingPhoneNumbers.json`, rows, (n) => n.sid, renderIncomingNumber, filters));
}

function updateNumber(ctx: RouteContext) {
  requireAccount(ctx);
  const n = loadNumber(ctx);
  const patch = configPatch(form(ctx));
  const row = ctx.db.update<PhoneNumberRow>('incoming_phone_numbers', n.sid, { ...patch, date_updated: rfc2822(ctx.now()) })!;
  return ctx.reply(200, renderIncomingNumber(row));
}

function releaseNumber(ctx: RouteContext) {
  requireAccount(ctx);
  const n = loadNumber(ctx);
  ctx.db.remove('incoming_phone_numbers', n.sid);
  return ctx.reply(204);
}

const base = '/2010-04-01/Accounts/:account';

export const phoneNumberRoutes: RouteDefinition[] = [
  { method: 'GET', path: `${base}/AvailablePhoneNumbers/:country/:type`, handler: availableNumbers, description: 'Search numbers to buy (Local, Mobile, TollFree)' },
  { method: 'POST', path: `${base}/IncomingPhoneNumbers.json`, handler: provision, description: 'Buy a number (PhoneNumber or AreaCode)' },
  { method: 'GET', path: `${base}/IncomingPhoneNumbers.json`, handler: listNumbers, description: 'List owned numbers' },
  { method: 'GET', path: `${base}/IncomingPhoneNumbers/:sid`, handler: (ctx) => (requireAccount(ctx), ctx.reply(200, renderIncomingNumber(loadNumber(ctx)))) },
  { method: 'POST', path: `${base}/IncomingPhoneNumbers/:sid`, handler: updateNumber, description: 'Configure SmsUrl, VoiceUrl, StatusCallback, FriendlyName' },
  { method: 'DELETE', path: `${base}/IncomingPhoneNumbers/:sid`, handler: releaseNumber, description: 'Release a number' },
];
