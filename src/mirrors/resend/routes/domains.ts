/** `/domains`: create (with DNS records), get, list, update, delete, verify. */
import type { RouteDefinition, VendorReply } from '../../core/definition.js';
import type { RouteContext, SessionContext } from '../../core/context.js';
import type { DomainRow, DomainStatus } from '../types.js';
import { fail, invalidField, notFound } from '../errors.js';
import { isObject, objectBody, optBool, optString, reqString } from '../validation.js';
import { pgTimestamp } from '../timestamps.js';
import { limited } from '../limits.js';
import { newUuid } from '../ids.js';
import { emitDomainEvent } from '../events.js';
import { REGIONS, generateRecords, recordStatusFor } from '../domain-records.js';
import { settingsOf } from '../settings.js';
import { page, paginate, readPageParams } from '../pagination.js';

export const VERIFY_TIMER = 'domain.verify';
const DOMAIN_NAME = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

function readCapabilities(v: unknown, current?: DomainRow['capabilities']): DomainRow['capabilities'] {
  const base = current ?? { sending: 'enabled', receiving: 'disabled' };
  if (v === undefined || v === null) return base;
  const ok = (x: unknown) => x === undefined || x === 'enabled' || x === 'disabled';
  if (!isObject(v) || !ok(v.sending) || !ok(v.receiving)) invalidField('Invalid `capabilities` field. `sending` and `receiving` must be `enabled` or `disabled`.');
  const caps = v as Partial<DomainRow['capabilities']>;
  return { sending: caps.sending ?? base.sending, receiving: caps.receiving ?? base.receiving };
}

function readTls(body: Record<string, unknown>): DomainRow['tls'] | undefined {
  const tls = optString(body, 'tls');
  if (tls === undefined || tls === null) return undefined;
  if (tls !== 'opportunistic' && tls !== 'enforced') invalidField('Invalid `tls` field. Expected `opportunistic` or `enforced`.');
  return tls as DomainRow['tls'];
}

/** Change a domain's status (records follow) and tell webhooks. */
export function setDomainStatus(ctx: SessionContext, domain: DomainRow, status: DomainStatus): DomainRow {
  const recordStatus = recordStatusFor(status);
  const row = ctx.db.update<DomainRow>('domains', domain.id, {
    status,
    records: domain.records.map((r) => ({ ...r, status: recordStatus })),
  })!;
  emitDomainEvent(ctx, 'domain.updated', row);
  return row;
}

export function onVerifyTimer(ctx: SessionContext, payload: { domainId: string }): void {
  const domain = ctx.db.get<DomainRow>('domains', payload.domainId);
  if (!domain || domain.status !== 'pending') return;
  setDomainStatus(ctx, domain, settingsOf(ctx).domainVerificationOutcome);
}

export function serializeDomain(d: DomainRow, withObject = true): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (withObject) out.object = 'domain';
  Object.assign(out, {
    id: d.id,
    name: d.name,
    status: d.status,
    created_at: d.created_at,
    region: d.region,
    capabilities: d.capabilities,
    open_tracking: d.open_tracking,
    click_tracking: d.click_tracking,
  });
  if (d.tracking_subdomain) out.tracking_subdomain = d.tracking_subdomain;
  return out;
}

function load(ctx: SessionContext, id: string): DomainRow {
  const d = ctx.db.get<DomainRow>('domains', id);
  if (!d) notFound('Domain');
  return d!;
}

function create(ctx: RouteContext): VendorReply {
  const body = objectBody(ctx.req.body);
  const name = reqString(body, 'name').trim().toLowerCase();
  if (!DOMAIN_NAME.test(name)) invalidField(`Invalid \`name\` field. \`${name}\` is not a valid domain name.`);
  const region = optString(body, 'region') ?? 'us-east-1';
  if (!(REGIONS as readonly string[]).includes(region)) fail(422, 'invalid_region', `Region must be one of: ${REGIONS.join(', ')}.`);
  const returnPath = optString(body, 'custom_return_path') ?? 'send';
  if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i.test(returnPath)) invalidField('Invalid `custom_return_path` field. It must be a valid subdomain label.');
  const capabilities = readCapabilities(body.capabilities);
  const open = optBool(body, 'open_tracking') ?? false;
  const click = optBool(body, 'click_tracking') ?? false;
  const tls = readTls(body) ?? 'opportunistic';
  const tracking = optString(body, 'tracking_subdomain') ?? null;
  if (ctx.db.find<DomainRow>('domains', { name })) fail(403, 'validation_error', `The domain ${name} has been registered already.`);
  const id = newUuid(ctx);
  const base = { id, name, region, capabilities, custom_return_path: returnPath, tracking_subdomain: tracking };
  const row: DomainRow = {
    object: 'domain',
    ...base,
    status: 'not_started',
    created_at: pgTimestamp(ctx.now()),
    open_tracking: open,
    click_tracking: click,
    tls,
    records: generateRecords(base, 'not_started'),
  };
  const stored = ctx.db.insert('domains', row) as DomainRow;
  emitDomainEvent(ctx, 'domain.created', stored);
  return ctx.reply(201, { ...serializeDomain(stored, false), records: stored.records });
}

function get(ctx: RouteContext): VendorReply {
  const d = load(ctx, ctx.req.params.id);
  return ctx.reply(200, { ...serializeDomain(d), records: d.records });
}

function list(ctx: RouteContext): VendorReply {
  const { rows, hasMore } = paginate<DomainRow>(ctx.db, 'domains', readPageParams(ctx.req.query));
  return ctx.reply(200, page(rows.map((d) => serializeDomain(d, false)), hasMore));
}

function update(ctx: RouteContext): VendorReply {
  const body = objectBody(ctx.req.body);
  const d = load(ctx, ctx.req.params.id);
  const patch: Partial<DomainRow> = {};
  const open = optBool(body, 'open_tracking');
  const click = optBool(body, 'click_tracking');
  const tls = readTls(body);
  if (open !== undefined) patch.open_tracking = open;
  if (click !== undefined) patch.click_tracking = click;
  if (tls !== undefined) patch.tls = tls;
  if (body.capabilities !== undefined) patch.capabilities = readCapabilities(body.capabilities, d.capabilities);
  const tracking = optString(body, 'tracking_subdomain');
  if (tracking !== undefined) patch.tracking_subdomain = tracking;
  const merged = { ...d, ...patch };
  patch.records = generateRecords(merged, recordStatusFor(d.status));
  const row = ctx.db.update<DomainRow>('domains', d.id, patch)!;
  emitDomainEvent(ctx, 'domain.updated', row);
  return ctx.reply(200, { object: 'domain', id: d.id });
}

function remove(ctx: RouteContext): VendorReply {
  const d = load(ctx, ctx.req.params.id);
  ctx.db.remove('domains', d.id);
  for (const t of ctx.timers.pending(VERIFY_TIMER)) if ((t.payload as { domainId?: string })?.domainId === d.id) ctx.timers.cancel(t.id);
  emitDomainEvent(ctx, 'domain.deleted', d);
  return ctx.reply(200, { object: 'domain', id: d.id, deleted: true });
}

function verify(ctx: RouteContext): VendorReply {
  const d = load(ctx, ctx.req.params.id);
  if (d.status !== 'verified') {
    const pending = d.status === 'pending' ? d : setDomainStatus(ctx, d, 'pending');
    for (const t of ctx.timers.pending(VERIFY_TIMER)) if ((t.payload as { domainId?: string })?.domainId === d.id) ctx.timers.cancel(t.id);
    ctx.timers.schedule(VERIFY_TIMER, settingsOf(ctx).domainVerificationSeconds * 1000, { domainId: pending.id });
  }
  return ctx.reply(200, { object: 'domain', id: d.id });
}

export const domainRoutes: RouteDefinition[] = [
  { method: 'POST', path: '/domains', handler: limited(create), description: 'Create a domain' },
  { method: 'GET', path: '/domains', handler: limited(list), description: 'List domains' },
  { method: 'GET', path: '/domains/:id', handler: limited(get), description: 'Retrieve a domain' },
  { method: 'PATCH', path: '/domains/:id', handler: limited(update), description: 'Update a domain' },
  { method: 'DELETE', path: '/domains/:id', handler: limited(remove), description: 'Delete a domain' },
  { method: 'POST', path: '/domains/:id/verify', handler: limited(verify), description: 'Verify a domain' },
];
