/** `/api-keys`: create (token shown once), list, delete. */
import type { RouteDefinition, VendorReply } from '../../core/definition.js';
import type { RouteContext } from '../../core/context.js';
import type { ApiKeyRow, DomainRow } from '../types.js';
import { invalidField, notFound } from '../errors.js';
import { objectBody, optString, reqString } from '../validation.js';
import { pgTimestamp } from '../timestamps.js';
import { limited } from '../limits.js';
import { newApiKeyToken, newUuid } from '../ids.js';
import { page, paginate, readPageParams } from '../pagination.js';

function create(ctx: RouteContext): VendorReply {
  const body = objectBody(ctx.req.body);
  const name = reqString(body, 'name');
  if (name.length > 50) invalidField('Invalid `name` field. It must be at most 50 characters long.');
  const permission = optString(body, 'permission') ?? 'full_access';
  if (permission !== 'full_access' && permission !== 'sending_access') invalidField('Invalid `permission` field. Expected `full_access` or `sending_access`.');
  const domainId = optString(body, 'domain_id') ?? null;
  if (domainId !== null) {
    if (permission !== 'sending_access') invalidField('The `domain_id` field can only be used with `sending_access` permission.');
    if (!ctx.db.get<DomainRow>('domains', domainId)) notFound('Domain');
  }
  const row: ApiKeyRow = {
    id: newUuid(ctx),
    name,
    created_at: pgTimestamp(ctx.now()),
    last_used_at: null,
    permission: permission as ApiKeyRow['permission'],
    domain_id: domainId,
    token: newApiKeyToken(ctx),
  };
  ctx.db.insert('api_keys', row);
  // The recorded real response carries `object: "list"` (a vendor quirk we keep).
  return ctx.reply(201, { id: row.id, object: 'list', token: row.token });
}

function list(ctx: RouteContext): VendorReply {
  const { rows, hasMore } = paginate<ApiKeyRow>(ctx.db, 'api_keys', readPageParams(ctx.req.query));
  return ctx.reply(200, page(rows.map((k) => ({ id: k.id, name: k.name, created_at: k.created_at, last_used_at: k.last_used_at })), hasMore));
}

function remove(ctx: RouteContext): VendorReply {
  const id = ctx.req.params.id;
  if (!ctx.db.get('api_keys', id)) notFound('API key');
  ctx.db.remove('api_keys', id);
  return ctx.reply(200, { object: 'api_key', id, deleted: true });
}

export const apiKeyRoutes: RouteDefinition[] = [
  { method: 'POST', path: '/api-keys', handler: limited(create), description: 'Create an API key' },
  { method: 'GET', path: '/api-keys', handler: limited(list), description: 'List API keys' },
  { method: 'DELETE', path: '/api-keys/:id', handler: limited(remove), description: 'Delete an API key' },
];
