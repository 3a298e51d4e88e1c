/**
 * Messaging Services (`messaging.twilio.com/v1/Services`, served on the mirror's origin):
 * create, fetch, list, update, delete, and the sender pool (`/Services/{sid}/PhoneNumbers`).
 */
import type { RouteDefinition } from '../../core/definition.js';
import type { RouteContext, SessionContext } from '../../core/context.js';
import { fail, missingParam, notFound } from '../errors.js';
import { MESSAGING_HOST, bool, isoSeconds, newSid } from '../format.js';
import { renderMessagingService, renderServicePhoneNumber } from '../render.js';
import { pageMeta } from '../paging.js';
import type { MessagingServiceRow, PhoneNumberRow } from '../types.js';
import { field, form, methodField, sidParam, urlField } from './common.js';

const USECASES = new Set(['notifications', 'marketing', 'verification', 'discussion', 'poll', 'undeclared']);
const SCAN = new Set(['inherit', 'enable', 'disable']);

export function newMessagingService(ctx: SessionContext, friendlyName: string, patch: Partial<MessagingServiceRow> = {}): MessagingServiceRow {
  const now = isoSeconds(ctx.now());
  const sid = typeof patch.sid === 'string' ? patch.sid : newSid(ctx, 'MG');
  return {
    id: sid,
    sid,
    account_sid: ctx.credentials.apiKey,
    friendly_name: friendlyName,
    inbound_request_url: null,
    inbound_method: 'POST',
    fallback_url: null,
    fallback_method: 'POST',
    status_callback: null,
    sticky_sender: true,
    smart_encoding: true,
    mms_converter: true,
    fallback_to_long_code: true,
    area_code_geomatch: true,
    validity_period: 36000,
    scan_message_content: 'inherit',
    synchronous_validation: false,
    usecase: 'undeclared',
    us_app_to_person_registered: false,
    use_inbound_webhook_on_number: false,
    date_created: now,
    date_updated: now,
    ...patch,
  };
}

function servicePatch(f: Record<string, unknown>): Partial<MessagingServiceRow> {
  const p: Partial<MessagingServiceRow> = {};
  const name = field(f, 'FriendlyName');
  if (name !== undefined) {
    if (name.length > 64) fail(400, 20001, 'FriendlyName must be 64 characters or fewer');
    p.friendly_name = name;
  }
  const inbound = urlField(f, 'InboundRequestUrl', 20001);
  if (inbound !== undefined) p.inbound_request_url = inbound || null;
  const inboundMethod = methodField(f, 'InboundMethod');
  if (inboundMethod) p.inbound_method = inboundMethod;
  const fallback = urlField(f, 'FallbackUrl', 20001);
  if (fallback !== undefined) p.fallback_url = fallback || null;
  const fallbackMethod = methodField(f, 'FallbackMethod');
  if (fallbackMethod) p.fallback_method = fallbackMethod;
  const cb = urlField(f, 'StatusCallback', 20001);
  if (cb !== undefined) p.status_callback = cb || null;
  for (const [param, key] of [
    ['StickySender', 'sticky_sender'],
    ['MmsConverter', 'mms_converter'],
    ['SmartEncoding', 'smart_encoding'],
    ['FallbackToLongCode', 'fallback_to_long_code'],
    ['AreaCodeGeomatch', 'area_code_geomatch'],
    ['SynchronousValidation', 'synchronous_validation'],
    ['UseInboundWebhookOnNumber', 'use_inbound_webhook_on_number'],
  ] as const) {
    if (f[param] === undefined) continue;
    const b = bool(f[param]);
    if (b === undefined) fail(400, 20001, `Invalid ${param}: ${String(f[param])}`);
    (p as Record<string, unknown>)[key] = b;
  }
  const validity = field(f, 'ValidityPeriod');
  if (validity !== undefined) {
    const n = Number(validity);
    if (!/^\d+$/.test(validity) || n < 1 || n > 36000) fail(400, 20001, 'ValidityPeriod must be between 1 and 36000 seconds');
    p.validity_period = n;
  }
  const scan = field(f, 'ScanMessageContent');
  if (scan !== undefined) {
    if (!SCAN.has(scan)) fail(400, 20001, `Invalid ScanMessageContent: ${scan}`);
    p.scan_message_content = scan;
  }
  const usecase = field(f, 'Usecase');
  if (usecase !== undefined) {
    if (!USECASES.has(usecase)) fail(400, 20001, `Invalid Usecase: ${usecase}`);
    p.usecase = usecase;
  }
  return p;
}

function loadService(ctx: RouteContext): MessagingServiceRow {
  const s = ctx.db.get<MessagingServiceRow>('messaging_services', sidParam(ctx, 'service'));
  if (!s) notFound(ctx.req.path);
  return s!;
}

function create(ctx: RouteContext) {
  const f = form(ctx);
  const name = field(f, 'FriendlyName');
  if (name === undefined || name === '') missingParam('FriendlyName');
  const row = ctx.db.insert('messaging_services', newMessagingService(ctx, name!, servicePatch(f)));
  return ctx.reply(201, renderMessagingService(row));
}

function list(ctx: RouteContext) {
  const rows = ctx.db.list<MessagingServiceRow>('messaging_services', { order: 'desc' });
  return ctx.reply(200, pageMeta(ctx, 'services', `${MESSAGING_HOST}/v1/Services`, rows, (s) => s.sid, renderMessagingService));
}

function update(ctx: RouteContext) {
  const s = loadService(ctx);
  const row = ctx.db.update<MessagingServiceRow>('messaging_services', s.sid, { ...servicePatch(form(ctx)), date_updated: isoSeconds(ctx.now()) })!;
  return ctx.reply(200, renderMessagingService(row));
}

function remove(ctx: RouteContext) {
  const s = loadService(ctx);
  for (const n of ctx.db.list<PhoneNumberRow>('incoming_phone_numbers', { where: { messaging_service_sid: s.sid } })) {
    ctx.db.update<PhoneNumberRow>('incoming_phone_numbers', n.sid, { messaging_service_sid: null, pool_date_added: null });
  }
  ctx.db.remove('messaging_services', s.sid);
  return ctx.reply(204);
}

function addNumber(ctx: RouteContext) {
  const s = loadService(ctx);
  const pnSid = field(form(ctx), 'PhoneNumberSid');
  if (pnSid === undefined || pnSid === '') missingParam('PhoneNumberSid');
  const n = ctx.db.get<PhoneNumberRow>('incoming_phone_numbers', pnSid!);
  if (!n) fail(400, 21711, `The PhoneNumberSid ${pnSid} is invalid or does not belong to this account.`);
  if (n!.messaging_service_sid === s.sid) fail(409, 21710, 'Phone Number or Short Code is already in the Messaging Service.');
  if (n!.messaging_service_sid) fail(409, 21712, `Phone Number is already associated with another Messaging Service (${n!.messaging_service_sid}).`);
  const row = ctx.db.update<PhoneNumberRow>('incoming_phone_numbers', n!.sid, { messaging_service_sid: s.sid, pool_date_added: isoSeconds(ctx.now()) })!;
  return ctx.reply(201, renderServicePhoneNumber(row, s.sid));
}

function loadPoolNumber(ctx: RouteContext, s: MessagingServiceRow): PhoneNumberRow {
  const n = ctx.db.get<PhoneNumberRow>('incoming_phone_numbers', sidParam(ctx));
  if (!n || n.messaging_service_sid !== s.sid) notFound(ctx.req.path);
  return n!;
}

function listNumbers(ctx: RouteContext) {
  const s = loadService(ctx);
  const rows = ctx.db.list<PhoneNumberRow>('incoming_phone_numbers', { where: { messaging_service_sid: s.sid } });
  return ctx.reply(200, pageMeta(ctx, 'phone_numbers', `${MESSAGING_HOST}/v1/Services/${s.sid}/PhoneNumbers`, rows, (n) => n.sid, (n) => renderServicePhoneNumber(n, s.sid)));
}

function removeNumber(ctx: RouteContext) {
  const s = loadService(ctx);
  const n = loadPoolNumber(ctx, s);
  ctx.db.update<PhoneNumberRow>('incoming_phone_numbers', n.sid, { messaging_service_sid: null, pool_date_added: null });
  return ctx.reply(204);
}

const base = '/v1/Services';

export const messagingServiceRoutes: RouteDefinition[] = [
  { method: 'POST', path: base, handler: create, description: 'Create a Messaging Service' },
  { method: 'GET', path: base, handler: list, description: 'List Messaging Services' },
  { method: 'GET', path: `${base}/:service`, handler: (ctx) => ctx.reply(200, renderMessagingService(loadService(ctx))) },
  { method: 'POST', path: `${base}/:service`, handler: update, description: 'Update a Messaging Service' },
  { method: 'DELETE', path: `${base}/:service`, handler: remove },
  { method: 'POST', path: `${base}/:service/PhoneNumbers`, handler: addNumber, description: 'Add a number to the sender pool' },
  { method: 'GET', path: `${base}/:service/PhoneNumbers`, handler: listNumbers, description: 'List the sender pool' },
  {
    method: 'GET',
    path: `${base}/:service/PhoneNumbers/:sid`,
    handler: (ctx) => {
      const s = loadService(ctx);
      return ctx.reply(200, renderServicePhoneNumber(loadPoolNumber(ctx, s), s.sid));
    },
  },
  { method: 'DELETE', path: `${base}/:service/PhoneNumbers/:sid`, handler: removeNumber, description: 'Remove a number from the sender pool' },
];
