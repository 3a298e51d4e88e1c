/**
 * Segments (and their deprecated alias, audiences) and contacts: the global `/contacts`
 * paths and the legacy audience-scoped `/audiences/:id/contacts` ones. Contacts are looked
 * up by id or by email. Contact changes emit `contact.created/updated/deleted`.
 */
import type { RouteDefinition, VendorReply } from '../../core/definition.js';
import type { RouteContext, SessionContext } from '../../core/context.js';
import type { AudienceRow, ContactRow } from '../types.js';
import { fail, invalidField, missingField, notFound } from '../errors.js';
import { isObject, objectBody, optBool, optString, reqString, type Body } from '../validation.js';
import { isEmail } from '../addresses.js';
import { pgTimestamp } from '../timestamps.js';
import { limited } from '../limits.js';
import { newUuid } from '../ids.js';
import { emitContactEvent } from '../events.js';
import { page, paginate, readPageParams } from '../pagination.js';

type Kind = 'segment' | 'audience';
const label = (k: Kind) => (k === 'segment' ? 'Segment' : 'Audience');

// ── segments / audiences ─────────────────────────────────────────────────────
function loadAudience(ctx: SessionContext, id: string, kind: Kind): AudienceRow {
  const a = ctx.db.get<AudienceRow>('audiences', id);
  if (!a) notFound(label(kind));
  return a!;
}

const createAudience = (kind: Kind) => (ctx: RouteContext): VendorReply => {
  const body = objectBody(ctx.req.body);
  const name = reqString(body, 'name');
  const row: AudienceRow = { id: newUuid(ctx), name, created_at: pgTimestamp(ctx.now()) };
  ctx.db.insert('audiences', row);
  return ctx.reply(201, { object: kind, id: row.id, name });
};

const getAudience = (kind: Kind) => (ctx: RouteContext): VendorReply => {
  const a = loadAudience(ctx, ctx.req.params.id, kind);
  return ctx.reply(200, { object: kind, id: a.id, name: a.name, created_at: a.created_at });
};

const listAudiences = () => (ctx: RouteContext): VendorReply => {
  const { rows, hasMore } = paginate<AudienceRow>(ctx.db, 'audiences', readPageParams(ctx.req.query));
  return ctx.reply(200, page(rows.map((a) => ({ id: a.id, name: a.name, created_at: a.created_at })), hasMore));
};

const updateAudience = (kind: Kind) => (ctx: RouteContext): VendorReply => {
  const body = objectBody(ctx.req.body);
  const a = loadAudience(ctx, ctx.req.params.id, kind);
  const name = reqString(body, 'name');
  ctx.db.update('audiences', a.id, { name });
  return ctx.reply(200, { object: kind, id: a.id });
};

const removeAudience = (kind: Kind) => (ctx: RouteContext): VendorReply => {
  const a = loadAudience(ctx, ctx.req.params.id, kind);
  for (const c of ctx.db.list<ContactRow>('contacts')) {
    if (c.segment_ids.includes(a.id)) ctx.db.update<ContactRow>('contacts', c.id, { segment_ids: c.segment_ids.filter((s) => s !== a.id) });
  }
  ctx.db.remove('audiences', a.id);
  return ctx.reply(200, { object: kind, id: a.id, deleted: true });
};

// ── contacts ─────────────────────────────────────────────────────────────────
export function findContact(ctx: SessionContext, idOrEmail: string): ContactRow | undefined {
  if (idOrEmail.includes('@')) {
    const exact = ctx.db.find<ContactRow>('contacts', { email: idOrEmail });
    if (exact) return exact;
    const lower = idOrEmail.toLowerCase();
    return ctx.db.list<ContactRow>('contacts').find((c) => c.email.toLowerCase() === lower);
  }
  return ctx.db.get<ContactRow>('contacts', idOrEmail);
}

function loadContact(ctx: SessionContext, idOrEmail: string, audienceId?: string): ContactRow {
  const c = findContact(ctx, idOrEmail);
  if (!c || (audienceId !== undefined && !c.segment_ids.includes(audienceId))) notFound('Contact');
  return c!;
}

export function serializeContact(c: ContactRow, full: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = full ? { object: 'contact' } : {};
  Object.assign(out, {
    id: c.id,
    email: c.email,
    first_name: c.first_name,
    last_name: c.last_name,
    created_at: c.created_at,
    unsubscribed: c.unsubscribed,
  });
  if (full) out.properties = c.properties;
  return out;
}

function readProperties(body: Body): Record<string, unknown> | undefined {
  const v = body.properties;
  if (v === undefined || v === null) return undefined;
  if (!isObject(v) || Object.values(v).some((x) => x !== null && !['string', 'number', 'boolean'].includes(typeof x))) {
    invalidField('Invalid `properties` field. Expected an object of string or number values.');
  }
  return v as Record<string, unknown>;
}

function readNames(body: Body): Partial<Pick<ContactRow, 'first_name' | 'last_name' | 'unsubscribed'>> {
  const out: Partial<Pick<ContactRow, 'first_name' | 'last_name' | 'unsubscribed'>> = {};
  const first = optString(body, 'first_name');
  const last = optString(body, 'last_name');
  const unsub = optBool(body, 'unsubscribed');
  if (first !== undefined) out.first_name = first;
  if (last !== undefined) out.last_name = last;
  if (unsub !== undefined) out.unsubscribed = unsub;
  return out;
}

function readSegmentRefs(ctx: SessionContext, body: Body): string[] {
  const v = body.segments;
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((s) => !isObject(s) || typeof s.id !== 'string')) invalidField('Invalid `segments` field. Expected an array of `{ id }`.');
  return (v as Array<{ id: string }>).map((s) => loadAudience(ctx, s.id, 'segment').id);
}

/** Create, or update the existing contact with that email (Resend upserts on email). */
function upsertContact(ctx: RouteContext, audienceId: string | undefined): VendorReply {
  const body = objectBody(ctx.req.body);
  if (audienceId !== undefined) loadAudience(ctx, audienceId, 'audience');
  const email = body.email;
  if (email === undefined || email === null || email === '') missingField('email');
  if (typeof email !== 'string' || !isEmail(email)) invalidField('Invalid `email` field. The email address needs to follow the `email@example.com` format.');
  const fields = readNames(body);
  const properties = readProperties(body);
  const segments = [...readSegmentRefs(ctx, body), ...(audienceId !== undefined ? [audienceId] : [])];
  const now = pgTimestamp(ctx.now());
  const existing = findContact(ctx, (email as string).trim());
  if (existing) {
    const row = ctx.db.update<ContactRow>('contacts', existing.id, {
      ...fields,
      properties: properties ? { ...existing.properties, ...properties } : existing.properties,
      segment_ids: [...new Set([...existing.segment_ids, ...segments])],
      updated_at: now,
    })!;
    emitContactEvent(ctx, 'contact.updated', row);
    return ctx.reply(201, { object: 'contact', id: row.id });
  }
  const row: ContactRow = {
    object: 'contact',
    id: newUuid(ctx),
    email: (email as string).trim(),
    first_name: fields.first_name ?? null,
    last_name: fields.last_name ?? null,
    created_at: now,
    unsubscribed: fields.unsubscribed ?? false,
    properties: properties ?? {},
    segment_ids: [...new Set(segments)],
    updated_at: now,
  };
  const stored = ctx.db.insert('contacts', row) as ContactRow;
  emitContactEvent(ctx, 'contact.created', stored);
  return ctx.reply(201, { object: 'contact', id: stored.id });
}

const createContact = (scoped: boolean) => (ctx: RouteContext): VendorReply => upsertContact(ctx, scoped ? ctx.req.params.audienceId : undefined);

const getContact = (scoped: boolean) => (ctx: RouteContext): VendorReply => {
  if (scoped) loadAudience(ctx, ctx.req.params.audienceId, 'audience');
  return ctx.reply(200, serializeContact(loadContact(ctx, ctx.req.params.contact, scoped ? ctx.req.params.audienceId : undefined), true));
};

const listContacts = (scope: Kind | undefined) => (ctx: RouteContext): VendorReply => {
  const params = readPageParams(ctx.req.query);
  const audienceId = scope ? loadAudience(ctx, ctx.req.params.audienceId, scope).id : undefined;
  const { rows, hasMore } = paginate<ContactRow>(ctx.db, 'contacts', params, undefined, audienceId ? (c) => c.segment_ids.includes(audienceId) : undefined);
  return ctx.reply(200, page(rows.map((c) => serializeContact(c, false)), hasMore));
};

const updateContact = (scoped: boolean) => (ctx: RouteContext): VendorReply => {
  const body = objectBody(ctx.req.body);
  if (scoped) loadAudience(ctx, ctx.req.params.audienceId, 'audience');
  const c = loadContact(ctx, ctx.req.params.contact, scoped ? ctx.req.params.audienceId : undefined);
  const fields = readNames(body);
  const properties = readProperties(body);
  const row = ctx.db.update<ContactRow>('contacts', c.id, {
    ...fields,
    properties: properties ? { ...c.properties, ...properties } : c.properties,
    updated_at: pgTimestamp(ctx.now()),
  })!;
  emitContactEvent(ctx, 'contact.updated', row);
  return ctx.reply(200, { object: 'contact', id: c.id });
};

const removeContact = (scoped: boolean) => (ctx: RouteContext): VendorReply => {
  const given = ctx.req.params.contact;
  if (scoped) loadAudience(ctx, ctx.req.params.audienceId, 'audience');
  const c = findContact(ctx, given);
  // Deleting a contact that does not exist still answers 200 (recorded real behaviour).
  if (c && (!scoped || c.segment_ids.includes(ctx.req.params.audienceId))) {
    ctx.db.remove('contacts', c.id);
    emitContactEvent(ctx, 'contact.deleted', { ...c, updated_at: pgTimestamp(ctx.now()) });
  }
  return ctx.reply(200, { object: 'contact', contact: given, deleted: true });
};

// ── contact ↔ segment membership ─────────────────────────────────────────────
function listContactSegments(ctx: RouteContext): VendorReply {
  const c = loadContact(ctx, ctx.req.params.contact);
  const params = readPageParams(ctx.req.query);
  const { rows, hasMore } = paginate<AudienceRow>(ctx.db, 'audiences', params, undefined, (a) => c.segment_ids.includes(a.id));
  return ctx.reply(200, page(rows.map((a) => ({ id: a.id, name: a.name, created_at: a.created_at })), hasMore));
}

function addContactSegment(ctx: RouteContext): VendorReply {
  const c = loadContact(ctx, ctx.req.params.contact);
  const seg = loadAudience(ctx, ctx.req.params.segmentId, 'segment');
  if (!c.segment_ids.includes(seg.id)) {
    const row = ctx.db.update<ContactRow>('contacts', c.id, { segment_ids: [...c.segment_ids, seg.id], updated_at: pgTimestamp(ctx.now()) })!;
    emitContactEvent(ctx, 'contact.updated', row);
  }
  return ctx.reply(201, { id: seg.id });
}

function removeContactSegment(ctx: RouteContext): VendorReply {
  const c = loadContact(ctx, ctx.req.params.contact);
  const seg = loadAudience(ctx, ctx.req.params.segmentId, 'segment');
  if (!c.segment_ids.includes(seg.id)) fail(404, 'not_found', 'Contact not found in segment');
  const row = ctx.db.update<ContactRow>('contacts', c.id, { segment_ids: c.segment_ids.filter((s) => s !== seg.id), updated_at: pgTimestamp(ctx.now()) })!;
  emitContactEvent(ctx, 'contact.updated', row);
  return ctx.reply(200, { id: seg.id, deleted: true });
}

export const contactRoutes: RouteDefinition[] = [
  { method: 'POST', path: '/segments', handler: limited(createAudience('segment')), description: 'Create a segment' },
  { method: 'GET', path: '/segments', handler: limited(listAudiences()), description: 'List segments' },
  { method: 'GET', path: '/segments/:id', handler: limited(getAudience('segment')) },
  { method: 'PATCH', path: '/segments/:id', handler: limited(updateAudience('segment')) },
  { method: 'DELETE', path: '/segments/:id', handler: limited(removeAudience('segment')) },
  { method: 'GET', path: '/segments/:audienceId/contacts', handler: limited(listContacts('segment')) },
  { method: 'POST', path: '/audiences', handler: limited(createAudience('audience')), description: 'Create an audience (deprecated alias of segments)' },
  { method: 'GET', path: '/audiences', handler: limited(listAudiences()) },
  { method: 'GET', path: '/audiences/:id', handler: limited(getAudience('audience')) },
  { method: 'PATCH', path: '/audiences/:id', handler: limited(updateAudience('audience')) },
  { method: 'DELETE', path: '/audiences/:id', handler: limited(removeAudience('audience')) },
  { method: 'POST', path: '/audiences/:audienceId/contacts', handler: limited(createContact(true)) },
  { method: 'GET', path: '/audiences/:audienceId/contacts', handler: limited(listContacts('audience')) },
  { method: 'GET', path: '/audiences/:audienceId/contacts/:contact', handler: limited(getContact(true)) },
  { method: 'PATCH', path: '/audiences/:audienceId/contacts/:contact', handler: limited(updateContact(true)) },
  { method: 'DELETE', path: '/audiences/:audienceId/contacts/:contact', handler: limited(removeContact(true)) },
  { method: 'POST', path: '/contacts', handler: limited(createContact(false)), description: 'Create a contact' },
  { method: 'GET', path: '/contacts', handler: limited(listContacts(undefined)), description: 'List contacts' },
  { method: 'GET', path: '/contacts/:contact', handler: limited(getContact(false)) },
  { method: 'PATCH', path: '/contacts/:contact', handler: limited(updateContact(false)) },
  { method: 'DELETE', path: '/contacts/:contact', handler: limited(removeContact(false)) },
  { method: 'GET', path: '/contacts/:contact/segments', handler: limited(listContactSegments) },
  { method: 'POST', path: '/contacts/:contact/segments/:segmentId', handler: limited(addContactSegment) },
  { method: 'DELETE', path: '/contacts/:contact/segments/:segmentId', handler: limited(removeContactSegment) },
];
