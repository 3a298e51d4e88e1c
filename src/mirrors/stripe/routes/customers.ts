/** /v1/customers: CRUD, list (email filter), search, payment methods of a customer. */
import type { RouteDefinition } from '../../core/definition.js';
import type { RouteContext } from '../../core/context.js';
import { invalid } from '../errors.js';
import { emitEvent, previousAttributes } from '../events.js';
import { expand, listReply } from '../list.js';
import { KINDS, newId, type Obj } from '../objects.js';
import { ADDRESS, LIST_PARAMS, mergeMetadata, params, type Schema } from '../params.js';
import { deletedMarker, load, matchesSearch, parseSearch, searchReply, tombstone } from '../resources.js';
import { route } from '../request.js';
import { attachPaymentMethod } from './payment-methods.js';
import { cancelSubscription, discountObject, redeemCoupon } from '../billing.js';

const SHIPPING = { object: { address: ADDRESS, name: 'string', phone: 'string' } } as const;

const WRITABLE: Schema = {
  address: ADDRESS,
  balance: 'int',
  coupon: 'string',
  description: 'string',
  email: 'string',
  invoice_prefix: 'string',
  invoice_settings: { object: { custom_fields: 'any', default_payment_method: 'string', footer: 'string', rendering_options: 'any' } },
  metadata: 'metadata',
  name: 'string',
  next_invoice_sequence: 'int',
  phone: 'string',
  preferred_locales: 'strings',
  shipping: SHIPPING,
  tax_exempt: { enum: ['exempt', 'none', 'reverse'] },
  test_clock: 'string',
  source: 'string',
  tax: 'any',
  tax_id_data: 'any',
};

const nullAddress = { city: null, country: null, line1: null, line2: null, postal_code: null, state: null };

export function customerObject(ctx: RouteContext | Parameters<typeof newId>[0], f: Obj): Obj {
  return {
    id: f.id ?? newId(ctx, KINDS.customer, 14),
    object: 'customer',
    address: f.address ? { ...nullAddress, ...f.address } : null,
    balance: f.balance ?? 0,
    created: f.created ?? ctx.nowUnix(),
    currency: f.currency ?? null,
    default_source: null,
    delinquent: f.delinquent ?? false,
    description: f.description ?? null,
    discount: f.discount ?? null,
    email: f.email ?? null,
    invoice_prefix: f.invoice_prefix ?? ctx.ids.next('', 8, '0123456789ABCDEF'),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null, ...(f.invoice_settings ?? {}) },
    livemode: false,
    metadata: f.metadata ?? {},
    name: f.name ?? null,
    next_invoice_sequence: f.next_invoice_sequence ?? 1,
    phone: f.phone ?? null,
    preferred_locales: f.preferred_locales ?? [],
    shipping: f.shipping ?? null,
    tax_exempt: f.tax_exempt ?? 'none',
    test_clock: f.test_clock ?? null,
  };
}

function checkDefaultPm(ctx: RouteContext, customerId: string, pmId: string | null | undefined): void {
  if (!pmId) return;
  const pm = ctx.db.get<Obj>('payment_methods', pmId);
  if (!pm || pm.customer !== customerId) {
    invalid(
      `No such PaymentMethod: '${pmId}'; It's possible this PaymentMethod exists on one of your connected accounts, in which case you should retry this request on that connected account. Learn more at https://stripe.com/docs/connect/authentication`,
      'invoice_settings[default_payment_method]',
      'resource_missing',
    );
  }
}

const view = (ctx: RouteContext, row: Obj, p: Obj) => expand(ctx, row, p.expand);

export const customerRoutes: RouteDefinition[] = [
  route('POST', '/v1/customers', (ctx) => {
    const p = params(ctx, { ...WRITABLE, payment_method: 'string', cash_balance: 'any', validate: 'bool' });
    let customer: Obj = ctx.db.insert('customers', customerObject(ctx, { ...p, metadata: mergeMetadata({}, p.metadata), invoice_settings: undefined }));
    if (p.payment_method) attachPaymentMethod(ctx, p.payment_method, customer.id, 'payment_method', false);
    const dpm = p.invoice_settings?.default_payment_method;
    if (dpm) {
      checkDefaultPm(ctx, customer.id, dpm);
      customer = ctx.db.update<Obj>('customers', customer.id, (c) => ({ ...c, invoice_settings: { ...c.invoice_settings, default_payment_method: dpm } }))!;
    }
    if (p.coupon) {
      const coupon = redeemCoupon(ctx, p.coupon, 'coupon');
      customer = ctx.db.update<Obj>('customers', customer.id, { discount: discountObject(ctx, coupon, customer.id, null) })!;
    }
    emitEvent(ctx, 'customer.created', customer);
    return view(ctx, customer, p);
  }),
  route('GET', '/v1/customers', (ctx) => {
    const p = params(ctx, { ...LIST_PARAMS, email: 'string', test_clock: 'string' });
    return listReply(ctx, KINDS.customer, p, '/v1/customers', { where: p.email ? { email: p.email } : undefined });
  }),
  route('GET', '/v1/customers/search', (ctx) => {
    const p = params(ctx, { query: 'string', limit: 'int', page: 'string' }, ['query']);
    const groups = parseSearch(p.query);
    const rows = ctx.db.list<Obj>('customers', { order: 'desc' }).filter((r) => matchesSearch(r, groups));
    return expand(ctx, searchReply(rows, '/v1/customers/search', p.limit ?? 10, p.page), p.expand);
  }),
  route('GET', '/v1/customers/:id', (ctx) => {
    const p = params(ctx, {});
    const gone = deletedMarker(ctx, ctx.req.params.id);
    if (gone) return gone;
    return view(ctx, load(ctx, KINDS.customer, ctx.req.params.id), p);
  }),
  route('POST', '/v1/customers/:id', (ctx) => {
    const p = params(ctx, { ...WRITABLE, default_source: 'string' });
    const before = load(ctx, KINDS.customer, ctx.req.params.id);
    if (p.invoice_settings?.default_payment_method) checkDefaultPm(ctx, before.id, p.invoice_settings.default_payment_method);
    let discount = before.discount;
    if (p.coupon) discount = discountObject(ctx, redeemCoupon(ctx, p.coupon, 'coupon'), before.id, null);
    else if (p.coupon === null) discount = null;
    const after = ctx.db.update<Obj>('customers', before.id, (c) => {
      for (const k of ['address', 'balance', 'description', 'email', 'invoice_prefix', 'name', 'next_invoice_sequence', 'phone', 'preferred_locales', 'shipping', 'tax_exempt'] as const) {
        if (k in p) c[k] = k === 'address' && p.address ? { ...nullAddress, ...p.address } : p[k];
      }
      if (p.preferred_locales === null) c.preferred_locales = [];
      c.metadata = mergeMetadata(c.metadata, p.metadata);
      if (p.invoice_settings) c.invoice_settings = { ...c.invoice_settings, ...p.invoice_settings };
      c.discount = discount;
      return c;
    })!;
    const prev = previousAttributes(before, after);
    if (prev) emitEvent(ctx, 'customer.updated', after, prev);
    return view(ctx, after, p);
  }),
  route('DELETE', '/v1/customers/:id', (ctx) => {
    params(ctx, {});
    const customer = load(ctx, KINDS.customer, ctx.req.params.id);
    for (const sub of ctx.db.list<Obj>('subscriptions', { where: { customer: customer.id } })) {
      if (!['canceled', 'incomplete_expired'].includes(sub.status)) cancelSubscription(ctx, sub, { reason: 'cancellation_requested' });
    }
    const marker = tombstone(ctx, KINDS.customer, customer.id);
    emitEvent(ctx, 'customer.deleted', customer);
    return marker;
  }),
  route('GET', '/v1/customers/:id/payment_methods', (ctx) => {
    const p = params(ctx, { ...LIST_PARAMS, type: 'string', allow_redisplay: 'string' });
    load(ctx, KINDS.customer, ctx.req.params.id);
    return listReply(ctx, KINDS.payment_method, p, `/v1/customers/${ctx.req.params.id}/payment_methods`, {
      where: { customer: ctx.req.params.id, ...(p.type ? { type: p.type } : {}) },
    });
  }),
  route('GET', '/v1/customers/:id/payment_methods/:pm', (ctx) => {
    const p = params(ctx, {});
    load(ctx, KINDS.customer, ctx.req.params.id);
    const pm = ctx.db.get<Obj>('payment_methods', ctx.req.params.pm);
    if (!pm || pm.customer !== ctx.req.params.id) invalid(`No such PaymentMethod: '${ctx.req.params.pm}'`, 'payment_method', 'resource_missing');
    return expand(ctx, pm!, p.expand);
  }),
  route('DELETE', '/v1/customers/:id/discount', (ctx) => {
    const customer = load(ctx, KINDS.customer, ctx.req.params.id);
    if (!customer.discount) invalid(`No active discount for customer: '${customer.id}'`, undefined, 'resource_missing');
    ctx.db.update('customers', customer.id, { discount: null });
    return { id: customer.discount.id, object: 'discount', deleted: true };
  }),
];
