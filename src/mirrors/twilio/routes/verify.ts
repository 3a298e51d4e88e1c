/**
 * Verify v2 (`verify.twilio.com/v2/Services`, served on the mirror's origin): services,
 * verifications (start, fetch, cancel/approve) and verification checks, with Twilio's
 * limits: 5 sends per verification (60203), 5 wrong codes (60202), codes valid 10 min.
 */
import type { RouteDefinition } from '../../core/definition.js';
import type { RouteContext, SessionContext } from '../../core/context.js';
import { fail, invalidParam, missingParam, notFound } from '../errors.js';
import { VERIFY_HOST, bool, isoSeconds, newSid } from '../format.js';
import { E164, normalizePhone } from '../phone.js';
import { renderVerification, renderVerificationCheck, renderVerifyService } from '../render.js';
import { pageMeta } from '../paging.js';
import { settingsOf } from '../settings.js';
import { queueOutboundMessage } from '../lifecycle.js';
import type { VerificationRow, VerifyServiceRow } from '../types.js';
import { field, form, sidParam } from './common.js';

export const EXPIRE_TIMER = 'twilio.verify.expire';
const CHANNELS = new Set(['sms', 'call', 'email', 'whatsapp']);

export function newVerifyService(ctx: SessionContext, friendlyName: string, patch: Partial<VerifyServiceRow> = {}): VerifyServiceRow {
  const now = isoSeconds(ctx.now());
  const sid = typeof patch.sid === 'string' ? patch.sid : newSid(ctx, 'VA');
  return {
    id: sid,
    sid,
    account_sid: ctx.credentials.apiKey,
    friendly_name: friendlyName,
    code_length: 6,
    lookup_enabled: false,
    psd2_enabled: false,
    skip_sms_to_landlines: false,
    dtmf_input_required: true,
    tts_name: null,
    do_not_share_warning_enabled: false,
    custom_code_enabled: false,
    date_created: now,
    date_updated: now,
    ...patch,
  };
}

function servicePatch(f: Record<string, unknown>): Partial<VerifyServiceRow> {
  const p: Partial<VerifyServiceRow> = {};
  const name = field(f, 'FriendlyName');
  if (name !== undefined) {
    if (name === '' || name.length > 30) invalidParam('FriendlyName');
    p.friendly_name = name;
  }
  const len = field(f, 'CodeLength');
  if (len !== undefined) {
    const n = Number(len);
    if (!/^\d+$/.test(len) || n < 4 || n > 10) invalidParam('CodeLength');
    p.code_length = n;
  }
  for (const [param, key] of [
    ['LookupEnabled', 'lookup_enabled'],
    ['SkipSmsToLandlines', 'skip_sms_to_landlines'],
    ['DtmfInputRequired', 'dtmf_input_required'],
    ['Psd2Enabled', 'psd2_enabled'],
    ['DoNotShareWarningEnabled', 'do_not_share_warning_enabled'],
    ['CustomCodeEnabled', 'custom_code_enabled'],
  ] as const) {
    if (f[param] === undefined) continue;
    const b = bool(f[param]);
    if (b === undefined) invalidParam(param);
    (p as Record<string, unknown>)[key] = b;
  }
  const tts = field(f, 'TtsName');
  if (tts !== undefined) p.tts_name = tts || null;
  return p;
}

function loadService(ctx: RouteContext): VerifyServiceRow {
  const s = ctx.db.get<VerifyServiceRow>('verify_services', sidParam(ctx, 'service'));
  if (!s) notFound(ctx.req.path);
  return s!;
}

function createService(ctx: RouteContext) {
  const f = form(ctx);
  const name = field(f, 'FriendlyName');
  if (name === undefined || name === '') missingParam('FriendlyName');
  const row = ctx.db.insert('verify_services', newVerifyService(ctx, name!, servicePatch(f)));
  return ctx.reply(201, renderVerifyService(row));
}

function removeService(ctx: RouteContext) {
  const s = loadService(ctx);
  ctx.db.remove('verify_services', s.sid);
  return ctx.reply(204);
}

/** The SMS that carries the code (kept in `messages` with `source: 'verify'`; the Messages API does not list it). */
function sendCodeMessage(ctx: SessionContext, service: VerifyServiceRow, v: VerificationRow): string {
  const body = `Your ${service.friendly_name} verification code is: ${v.code}`;
  return queueOutboundMessage(ctx, { body, from: settingsOf(ctx).verifySender, to: v.to, status: 'queued', source: 'verify' }).sid;
}

function attempt(ctx: SessionContext, channel: string) {
  return { attempt_sid: newSid(ctx, 'VL'), channel: channel.toUpperCase(), time: isoSeconds(ctx.now()) };
}

function startVerification(ctx: RouteContext) {
  const service = loadService(ctx);
  const f = form(ctx);
  const rawTo = field(f, 'To');
  if (rawTo === undefined || rawTo === '') missingParam('To');
  const channel = field(f, 'Channel');
  if (channel === undefined || channel === '') missingParam('Channel');
  if (!CHANNELS.has(channel!)) invalidParam('Channel', channel);
  let to: string;
  if (channel === 'email') {
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(rawTo!)) invalidParam('To', rawTo);
    to = rawTo!;
  } else {
    const n = normalizePhone(rawTo!);
    if (!n || !E164.test(n)) invalidParam('To', rawTo);
    to = n!;
  }
  const customCode = field(f, 'CustomCode');
  if (customCode !== undefined) {
    if (!service.custom_code_enabled) fail(400, 60200, 'Invalid parameter: CustomCode. Custom codes are not enabled for this Service.');
    if (!/^\d{4,10}$/.test(customCode)) invalidParam('CustomCode');
  }
  const s = settingsOf(ctx);
  const now = ctx.now();
  const pending = ctx.db
    .list<VerificationRow>('verifications', { where: { service_sid: service.sid, to, status: 'pending' }, order: 'desc' })
    .find((v) => Date.parse(v.expires_at) > now);
  if (pending) {
    if (pending.send_code_attempts.length >= s.verifyMaxSendAttempts) fail(429, 60203, 'Max send attempts reached');
    const next: VerificationRow = { ...pending, channel: channel as VerificationRow['channel'], send_code_attempts: [...pending.send_code_attempts, attempt(ctx, channel!)], date_updated: isoSeconds(now) };
    if (channel === 'sms' || channel === 'whatsapp') next.message_sids = [...pending.message_sids, sendCodeMessage(ctx, service, next)];
    const row = ctx.db.update<VerificationRow>('verifications', pending.sid, next)!;
    return ctx.reply(201, renderVerification(row));
  }
  const sid = newSid(ctx, 'VE');
  const code = customCode ?? ctx.ids.next('', service.code_length, '0123456789');
  const iso = isoSeconds(now);
  const v: VerificationRow = {
    id: sid,
    sid,
    service_sid: service.sid,
    account_sid: ctx.credentials.apiKey,
    to,
    channel: channel as VerificationRow['channel'],
    status: 'pending',
    valid: false,
    date_created: iso,
    date_updated: iso,
    send_code_attempts: [attempt(ctx, channel!)],
    code,
    check_attempts: 0,
    expires_at: new Date(now + s.verifyCodeTtlSeconds * 1000).toISOString(),
    message_sids: [],
  };
  if (channel === 'sms' || channel === 'whatsapp') v.message_sids = [sendCodeMessage(ctx, service, v)];
  const row = ctx.db.insert('verifications', v);
  ctx.timers.schedule(EXPIRE_TIMER, { at: now + s.verifyCodeTtlSeconds * 1000 }, { sid });
  return ctx.reply(201, renderVerification(row));
}

/** A verification that can still be fetched, updated or checked. */
function liveVerification(ctx: RouteContext, service: VerifyServiceRow, sid: string): VerificationRow {
  const v = ctx.db.get<VerificationRow>('verifications', sid);
  if (!v || v.service_sid !== service.sid || (v.status !== 'pending' && v.status !== 'max_attempts_reached')) notFound(ctx.req.path);
  return v!;
}

function updateVerification(ctx: RouteContext) {
  const service = loadService(ctx);
  const v = liveVerification(ctx, service, sidParam(ctx));
  const status = field(form(ctx), 'Status');
  if (status === undefined || status === '') missingParam('Status');
  if (status !== 'canceled' && status !== 'approved') invalidParam('Status', status);
  const row = ctx.db.update<VerificationRow>('verifications', v.sid, { status: status as VerificationRow['status'], valid: status === 'approved', date_updated: isoSeconds(ctx.now()) })!;
  return ctx.reply(200, renderVerification(row));
}

/** Apply one checked code to a verification; the result is what VerificationCheck answers. */
export function checkCode(ctx: SessionContext, v: VerificationRow, code: string | undefined): VerificationRow {
  if (v.status === 'max_attempts_reached') fail(429, 60202, 'Max check attempts reached');
  const now = isoSeconds(ctx.now());
  if (code !== undefined && code === v.code) {
    return ctx.db.update<VerificationRow>('verifications', v.sid, { status: 'approved', valid: true, date_updated: now })!;
  }
  const attempts = v.check_attempts + 1;
  const status = attempts >= settingsOf(ctx).verifyMaxCheckAttempts ? 'max_attempts_reached' : 'pending';
  return ctx.db.update<VerificationRow>('verifications', v.sid, { check_attempts: attempts, status, valid: false, date_updated: now })!;
}

function verificationCheck(ctx: RouteContext) {
  const service = loadService(ctx);
  const f = form(ctx);
  const code = field(f, 'Code');
  const rawTo = field(f, 'To');
  const verificationSid = field(f, 'VerificationSid');
  if ((rawTo === undefined || rawTo === '') && (verificationSid === undefined || verificationSid === '')) missingParam('To');
  if (code === undefined || code === '') missingParam('Code');
  let v: VerificationRow | undefined;
  if (verificationSid) {
    v = ctx.db.get<VerificationRow>('verifications', verificationSid);
  } else {
    const to = rawTo!.includes('@') ? rawTo! : (normalizePhone(rawTo!) ?? rawTo!);
    v = ctx.db
      .list<VerificationRow>('verifications', { where: { service_sid: service.sid, to }, order: 'desc' })
      .find((x) => x.status === 'pending' || x.status === 'max_attempts_reached');
  }
  if (!v || v.service_sid !== service.sid || (v.status !== 'pending' && v.status !== 'max_attempts_reached')) notFound(ctx.req.path);
  return ctx.reply(200, renderVerificationCheck(checkCode(ctx, v!, code)));
}

export function onExpireTimer(ctx: SessionContext, payload: { sid: string }): void {
  const v = ctx.db.get<VerificationRow>('verifications', payload.sid);
  if (!v || (v.status !== 'pending' && v.status !== 'max_attempts_reached')) return;
  ctx.db.update<VerificationRow>('verifications', v.sid, { status: 'expired', date_updated: isoSeconds(ctx.now()) });
}

const base = '/v2/Services';

export const verifyRoutes: RouteDefinition[] = [
  { method: 'POST', path: base, handler: createService, description: 'Create a Verify service' },
  {
    method: 'GET',
    path: base,
    handler: (ctx) =>
      ctx.reply(200, pageMeta(ctx, 'services', `${VERIFY_HOST}/v2/Services`, ctx.db.list<VerifyServiceRow>('verify_services', { order: 'desc' }), (s) => s.sid, renderVerifyService)),
    description: 'List Verify services',
  },
  { method: 'GET', path: `${base}/:service`, handler: (ctx) => ctx.reply(200, renderVerifyService(loadService(ctx))) },
  {
    method: 'POST',
    path: `${base}/:service`,
    handler: (ctx) => {
      const s = loadService(ctx);
      return ctx.reply(200, renderVerifyService(ctx.db.update<VerifyServiceRow>('verify_services', s.sid, { ...servicePatch(form(ctx)), date_updated: isoSeconds(ctx.now()) })!));
    },
    description: 'Update a Verify service',
  },
  { method: 'DELETE', path: `${base}/:service`, handler: removeService },
  { method: 'POST', path: `${base}/:service/Verifications`, handler: startVerification, description: 'Start (or resend) a verification: sms, call, email, whatsapp' },
  {
    method: 'GET',
    path: `${base}/:service/Verifications/:sid`,
    handler: (ctx) => ctx.reply(200, renderVerification(liveVerification(ctx, loadService(ctx), sidParam(ctx)))),
  },
  { method: 'POST', path: `${base}/:service/Verifications/:sid`, handler: updateVerification, description: 'Cancel or approve a verification' },
  { method: 'POST', path: `${base}/:service/VerificationCheck`, handler: verificationCheck, description: 'Check a code' },
];
