/** /v1/products, /v1/prices, /v1/coupons. */
import type { RouteDefinition } from '../../core/definition.js';
import type { SessionContext } from '../../core/context.js';
import { invalid } from '../errors.js';
import { emitEvent, previousAttributes } from '../events.js';
import { expand, listReply } from '../list.js';
import { KINDS, newId, type Obj } from '../objects.js';
import { LIST_PARAMS, currency, mergeMetadata, params, type Schema } from '../params.js';
import { deletedMarker, load, matchesSearch, parseSearch, searchReply, tombstone } from '../resources.js';
import { route } from '../request.js';

export function productObject(ctx: SessionContext, f: Obj): Obj {
  return {
    id: f.id ?? newId(ctx, KINDS.product, 14),
    object: 'product',
    active: f.active ?? true,
    attributes: [],
    created: f.created ?? ctx.nowUnix(),
    default_price: f.default_price ?? null,
    description: f.description ?? null,
    images: f.images ?? [],
    livemode: false,
    marketing_features: f.marketing_features ?? [],
    metadata: f.metadata ?? {},
    name: f.name,
    package_dimensions: null,
    shippable: f.shippable ?? null,
    statement_descriptor: f.statement_descriptor ?? null,
    tax_code: f.tax_code ?? null,
    type: 'service',
    unit_label: f.unit_label ?? null,
    updated: f.updated ?? f.created ?? ctx.nowUnix(),
    url: f.url ?? null,
  };
}

export function priceObject(ctx: SessionContext, f: Obj): Obj {
  const recurring = f.recurring
    ? {
        aggregate_usage: null,
        interval: f.recurring.interval,
        interval_count: f.recurring.interval_count ?? 1,
        meter: null,
        trial_period_days: f.recurring.trial_period_days ?? null,
        usage_type: f.recurring.usage_type ?? 'licensed',
      }
    : null;
  return {
    id: f.id ?? newId(ctx, KINDS.price),
    object: 'price',
    active: f.active ?? true,
    billing_scheme: f.billing_scheme ?? 'per_unit',
    created: f.created ?? ctx.nowUnix(),
    currency: f.currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: f.lookup_key ?? null,
    metadata: f.metadata ?? {},
    nickname: f.nickname ?? null,
    product: f.product,
    recurring,
    tax_behavior: f.tax_behavior ?? 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: recurring ? 'recurring' : 'one_time',
    unit_amount: f.unit_amount ?? null,
    unit_amount_decimal: f.unit_amount === null || f.unit_amount === undefined ? null : String(f.unit_amount),
  };
}

export function couponObject(ctx: SessionContext, f: Obj): Obj {
  return {
    id: f.id ?? ctx.ids.next('', 8),
    object: 'coupon',
    amount_off: f.amount_off ?? null,
    created: f.created ?? ctx.nowUnix(),
    currency: f.currency ?? null,
    duration: f.duration ?? 'once',
    duration_in_months: f.duration_in_months ?? null,
    livemode: false,
    max_redemptions: f.max_redemptions ?? null,
    metadata: f.metadata ?? {},
    name: f.name ?? null,
    percent_off: f.percent_off ?? null,
    redeem_by: f.redeem_by ?? null,
    times_redeemed: f.times_redeemed ?? 0,
    valid: f.valid ?? true,
  };
}

const RECURRING = { object: { interval: { enum: ['day', 'month', 'week', 'year'] }, interval_count: 'int', usage_type: { enum: ['licensed', 'metered'] }, trial_period_days: 'int', aggregate_usage: 'string', meter: 'string' } } as const;

const PRODUCT_FIELDS: Schema = {
  active: 'bool',
  description: 'string',
  images: 'strings',
  marketing_features: 'any',
  metadata: 'metadata',
  name: 'string',
  package_dimensions: 'any',
  shippable: 'bool',
  statement_descriptor: 'string',
  tax_code: 'string',
  unit_label: 'string',
  url: 'string',
};

function createPrice(ctx: SessionContext, p: Obj, productId: string): Obj {
  const cur = currency(p.currency);
  if (p.unit_amount === undefined && p.custom_unit_amount === undefined && p.billing_scheme !== 'tiered') missingAmount();
  if (p.unit_amount !== undefined && p.unit_amount !== null && p.unit_amount < 0) invalid('This value must be greater than or equal to 0.', 'unit_amount', 'parameter_invalid_integer');
  if (p.recurring && !p.recurring.interval) invalid('Missing required param: recurring[interval].', 'recurring[interval]', 'parameter_missing');
  if (p.lookup_key && ctx.db.find('prices', { lookup_key: p.lookup_key })) {
    if (!p.transfer_lookup_key) invalid(`A price (\`${(ctx.db.find<Obj>('prices', { lookup_key: p.lookup_key }) as Obj).id}\`) already uses that lookup key.`, 'lookup_key');
    for (const other of ctx.db.list<Obj>('prices', { where: { lookup_key: p.lookup_key } })) ctx.db.update('prices', other.id, { lookup_key: null });
  }
  const price = ctx.db.insert('prices', priceObject(ctx, { ...p, currency: cur, product: productId, metadata: mergeMetadata({}, p.metadata) }));
  emitEvent(ctx, 'price.created', price);
  return price;
}

function missingAmount(): never {
  return invalid('Missing required param: unit_amount.', 'unit_amount', 'parameter_missing');
}

export const catalogRoutes: RouteDefinition[] = [
  // ── products
  route('POST', '/v1/products', (ctx) => {
    const p = params(ctx, { ...PRODUCT_FIELDS, id: 'string', type: 'string', default_price_data: { object: { currency: 'string', unit_amount: 'int', recurring: RECURRING, tax_behavior: 'string', unit_amount_decimal: 'string' } } }, ['name']);
    if (p.id && (ctx.db.get('products', p.id) || ctx.db.get('deleted_objects', p.id))) invalid(`Product already exists.`, 'id', 'resource_already_exists');
    let product: Obj = ctx.db.insert('products', productObject(ctx, { ...p, metadata: mergeMetadata({}, p.metadata) }));
    emitEvent(ctx, 'product.created', product);
    if (p.default_price_data) {
      const price = createPrice(ctx, p.default_price_data, product.id);
      product = ctx.db.update<Obj>('products', product.id, { default_price: price.id })!;
    }
    return expand(ctx, product, p.expand);
  }),
  route('GET', '/v1/products', (ctx) => {
    const p = params(ctx, { ...LIST_PARAMS, active: 'bool', ids: 'strings', shippable: 'bool', url: 'string' });
    return listReply(ctx, KINDS.product, p, '/v1/products', {
      where: p.active !== undefined && p.active !== null ? { active: p.active } : undefined,
      filter: p.ids ? (r) => p.ids.includes(r.id) : undefined,
    });
  }),
  route('GET', '/v1/products/search', (ctx) => {
    const p = params(ctx, { query: 'string', limit: 'int', page: 'string' }, ['query']);
    const groups = parseSearch(p.query);
    const rows = ctx.db.list<Obj>('products', { order: 'desc' }).filter((r) => matchesSearch(r, groups));
    return expand(ctx, searchReply(rows, '/v1/products/search', p.limit ?? 10, p.page), p.expand);
  }),
  route('GET', '/v1/products/:id', (ctx) => {
    const p = params(ctx, {});
    return expand(ctx, load(ctx, KINDS.product, ctx.req.params.id), p.expand);
  }),
  route('POST', '/v1/products/:id', (ctx) => {
    const p = params(ctx, { ...PRODUCT_FIELDS, default_price: 'string' });
    const before = load(ctx, KINDS.product, ctx.req.params.id);
    if (p.default_price) {
      const price = load(ctx, KINDS.price, p.default_price, 'default_price');
      if (price.product !== before.id) invalid(`The price \`${price.id}\` does not belong to product \`${before.id}\`.`, 'default_price');
    }
    const after = ctx.db.update<Obj>('products', before.id, (pr) => {
      for (const k of Object.keys(PRODUCT_FIELDS)) if (k !== 'metadata' && k in p) pr[k] = p[k];
      if ('default_price' in p) pr.default_price = p.default_price;
      pr.metadata = mergeMetadata(pr.metadata, p.metadata);
      pr.updated = ctx.nowUnix();
      return pr;
    })!;
    const prev = previousAttributes(before, after);
    if (prev && Object.keys(prev).some((k) => k !== 'updated')) emitEvent(ctx, 'product.updated', after, prev);
    return expand(ctx, after, p.expand);
  }),
  route('DELETE', '/v1/products/:id', (ctx) => {
    params(ctx, {});
    const gone = deletedMarker(ctx, ctx.req.params.id);
    if (gone) return gone;
    const product = load(ctx, KINDS.product, ctx.req.params.id);
    if (ctx.db.count('prices', { product: product.id }) > 0) {
      invalid('This product cannot be deleted because it has one or more user-created prices.', undefined, 'product_has_prices' as string);
    }
    const marker = tombstone(ctx, KINDS.product, product.id);
    emitEvent(ctx, 'product.deleted', product);
    return marker;
  }),
  // ── prices
  route('POST', '/v1/prices', (ctx) => {
    const p = params(
      ctx,
      {
        currency: 'string',
        unit_amount: 'int',
        unit_amount_decimal: 'string',
        product: 'string',
        product_data: { object: { name: 'string', active: 'bool', metadata: 'metadata', statement_descriptor: 'string', tax_code: 'string', unit_label: 'string', id: 'string' } },
        recurring: RECURRING,
        active: 'bool',
        billing_scheme: { enum: ['per_unit', 'tiered'] },
        lookup_key: 'string',
        metadata: 'metadata',
        nickname: 'string',
        tax_behavior: { enum: ['exclusive', 'inclusive', 'unspecified'] },
        transfer_lookup_key: 'bool',
        custom_unit_amount: 'any',
        tiers: 'any',
        tiers_mode: 'string',
        transform_quantity: 'any',
        currency_options: 'any',
      },
      ['currency'],
    );
    if (p.unit_amount === undefined && p.unit_amount_decimal !== undefined) p.unit_amount = Math.round(Number(p.unit_amount_decimal));
    let productId: string;
    if (p.product) productId = load(ctx, KINDS.product, p.product, 'product').id;
    else if (p.product_data) {
      if (!p.product_data.name) invalid('Missing required param: product_data[name].', 'product_data[name]', 'parameter_missing');
      const product = ctx.db.insert('products', productObject(ctx, { ...p.product_data, metadata: mergeMetadata({}, p.product_data.metadata) }));
      emitEvent(ctx, 'product.created', product);
      productId = product.id;
    } else return invalid('Missing required param: product.', 'product', 'parameter_missing');
    return expand(ctx, createPrice(ctx, p, productId), p.expand);
  }),
  route('GET', '/v1/prices', (ctx) => {
    const p = params(ctx, { ...LIST_PARAMS, active: 'bool', currency: 'string', product: 'string', type: { enum: ['one_time', 'recurring'] }, lookup_keys: 'strings', recurring: 'any' });
    return listReply(ctx, KINDS.price, p, '/v1/prices', {
      where: {
        ...(p.active !== undefined && p.active !== null ? { active: p.active } : {}),
        ...(p.product ? { product: p.product } : {}),
        ...(p.type ? { type: p.type } : {}),
        ...(p.currency ? { currency: p.currency } : {}),
      },
      filter: p.lookup_keys ? (r) => p.lookup_keys.includes(r.lookup_key) : undefined,
    });
  }),
  route('GET', '/v1/prices/search', (ctx) => {
    const p = params(ctx, { query: 'string', limit: 'int', page: 'string' }, ['query']);
    const groups = parseSearch(p.query);
    const rows = ctx.db.list<Obj>('prices', { order: 'desc' }).filter((r) => matchesSearch(r, groups));
    return expand(ctx, searchReply(rows, '/v1/prices/search', p.limit ?? 10, p.page), p.expand);
  }),
  route('GET', '/v1/prices/:id', (ctx) => {
    const p = params(ctx, {});
    return expand(ctx, load(ctx, KINDS.price, ctx.req.params.id, 'price'), p.expand);
  }),
  route('POST', '/v1/prices/:id', (ctx) => {
    const p = params(ctx, { active: 'bool', lookup_key: 'string', metadata: 'metadata', nickname: 'string', tax_behavior: 'string', transfer_lookup_key: 'bool', currency_options: 'any' });
    const before = load(ctx, KINDS.price, ctx.req.params.id, 'price');
    const after = ctx.db.update<Obj>('prices', before.id, (pr) => {
      for (const k of ['active', 'lookup_key', 'nickname', 'tax_behavior']) if (k in p) pr[k] = p[k];
      pr.metadata = mergeMetadata(pr.metadata, p.metadata);
      return pr;
    })!;
    const prev = previousAttributes(before, after);
    if (prev) emitEvent(ctx, 'price.updated', after, prev);
    return expand(ctx, after, p.expand);
  }),
  // ── coupons
  route('POST', '/v1/coupons', (ctx) => {
    const p = params(ctx, {
      id: 'string',
      amount_off: 'int',
      currency: 'string',
      duration: { enum: ['forever', 'once', 'repeating'] },
      duration_in_months: 'int',
      max_redemptions: 'int',
      metadata: 'metadata',
      name: 'string',
      percent_off: { oneOf: ['int', 'string'] },
      redeem_by: 'int',
      applies_to: 'any',
      currency_options: 'any',
    });
    if (p.percent_off !== undefined && p.percent_off !== null) {
      const n = Number(p.percent_off);
      if (!Number.isFinite(n)) invalid(`Invalid decimal: ${p.percent_off}`, 'percent_off');
      if (n <= 0 || n > 100) invalid('Percent off must be between 0 and 100.', 'percent_off');
      p.percent_off = n;
    }
    const hasPct = p.percent_off !== undefined && p.percent_off !== null;
    const hasAmt = p.amount_off !== undefined && p.amount_off !== null;
    if (hasPct === hasAmt) invalid('You must pass exactly one of percent_off or amount_off.', hasPct ? 'amount_off' : 'percent_off');
    if (hasAmt && !p.currency) invalid('You must pass currency when passing amount_off.', 'currency', 'parameter_missing');
    if (p.duration === 'repeating' && !p.duration_in_months) invalid('You must pass duration_in_months when passing duration=repeating.', 'duration_in_months', 'parameter_missing');
    if (p.id && ctx.db.get('coupons', p.id)) invalid('Coupon already exists.', 'id', 'resource_already_exists');
    const coupon = ctx.db.insert('coupons', couponObject(ctx, { ...p, currency: p.currency ? currency(p.currency) : null, metadata: mergeMetadata({}, p.metadata) }));
    emitEvent(ctx, 'coupon.created', coupon);
    return expand(ctx, coupon, p.expand);
  }),
  route('GET', '/v1/coupons', (ctx) => listReply(ctx, KINDS.coupon, params(ctx, LIST_PARAMS), '/v1/coupons')),
  route('GET', '/v1/coupons/:id', (ctx) => {
    const p = params(ctx, {});
    return expand(ctx, load(ctx, KINDS.coupon, ctx.req.params.id), p.expand);
  }),
  route('POST', '/v1/coupons/:id', (ctx) => {
    const p = params(ctx, { metadata: 'metadata', name: 'string', currency_options: 'any' });
    const before = load(ctx, KINDS.coupon, ctx.req.params.id);
    const after = ctx.db.update<Obj>('coupons', before.id, (c) => ({ ...c, ...('name' in p ? { name: p.name } : {}), metadata: mergeMetadata(c.metadata, p.metadata) }))!;
    const prev = previousAttributes(before, after);
    if (prev) emitEvent(ctx, 'coupon.updated', after, prev);
    return expand(ctx, after, p.expand);
  }),
  route('DELETE', '/v1/coupons/:id', (ctx) => {
    params(ctx, {});
    const coupon = load(ctx, KINDS.coupon, ctx.req.params.id);
    ctx.db.remove('coupons', coupon.id);
    emitEvent(ctx, 'coupon.deleted', coupon);
    return { id: coupon.id, object: 'coupon', deleted: true };
  }),
];
