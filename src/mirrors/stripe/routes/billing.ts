/** /v1/subscriptions, /v1/subscription_items (read), /v1/invoices, /v1/invoiceitems. */
import type { RouteDefinition } from '../../core/definition.js';
import type { RouteContext } from '../../core/context.js';
import { fail, invalid, noSuch } from '../errors.js';
import { emitEvent, previousAttributes } from '../events.js';
import { expand, listReply } from '../list.js';
import { KINDS, newId, type Obj } from '../objects.js';
import { LIST_PARAMS, currency, mergeMetadata, params, type Schema } from '../params.js';
import { cardErrorReply, resolvePaymentMethod } from '../payments.js';
import { load, matchesSearch, parseSearch, searchReply } from '../resources.js';
import { ok, route } from '../request.js';
import {
  DAY,
  TIMER,
  addInvoiceLine,
  cancelSubscription,
  createInvoice,
  discountObject,
  finalizeInvoice,
  itemObject,
  markUncollectible,
  nextPeriodEnd,
  normalizeSubscription,
  payInvoice,
  recomputeTotals,
  redeemCoupon,
  saveSubscription,
  scheduleSubscriptionTimers,
  subItems,
  subscriptionLines,
  subscriptionShell,
  voidInvoice,
} from '../billing.js';

const ITEM: Schema = { price: 'string', quantity: 'int', metadata: 'metadata', id: 'string', deleted: 'bool', clear_usage: 'bool', price_data: 'any', tax_rates: 'any', discounts: 'any', billing_thresholds: 'any', plan: 'string' };

const SUB_COMMON: Schema = {
  cancel_at_period_end: 'bool',
  cancel_at: 'int',
  collection_method: { enum: ['charge_automatically', 'send_invoice'] },
  coupon: 'string',
  days_until_due: 'int',
  default_payment_method: 'string',
  description: 'string',
  discounts: { array: { object: { coupon: 'string', discount: 'string', promotion_code: 'string' } } },
  items: { array: { object: ITEM } },
  metadata: 'metadata',
  off_session: 'bool',
  payment_behavior: { enum: ['allow_incomplete', 'default_incomplete', 'error_if_incomplete', 'pending_if_incomplete'] },
  proration_behavior: { enum: ['always_invoice', 'create_prorations', 'none'] },
  trial_end: 'timestamp_or_now',
  payment_settings: 'any',
  automatic_tax: 'any',
  default_tax_rates: 'any',
  application_fee_percent: 'any',
  billing_thresholds: 'any',
  pending_invoice_item_interval: 'any',
  trial_settings: 'any',
  promotion_code: 'string',
  default_source: 'string',
  invoice_settings: 'any',
  cancellation_details: { object: { comment: 'string', feedback: 'string' } },
  pause_collection: 'any',
  on_behalf_of: 'string',
  transfer_data: 'any',
};

function couponFrom(p: Obj): string | undefined {
  return p.coupon ?? p.discounts?.find((d: Obj) => d.coupon)?.coupon;
}

function loadPrice(ctx: RouteContext, id: string, param: string): Obj {
  const price = ctx.db.get<Obj>('prices', id);
  if (!price) noSuch('price', id, param);
  if (!price!.recurring) invalid(`The price specified is set to \`type=one_time\` but this field only accepts prices with \`type=recurring\`.`, param);
  if (!price!.active) invalid(`The price specified is inactive. This field only accepts active prices.`, param);
  return price!;
}

function checkPmBelongs(ctx: RouteContext, pmId: string, customer: string, param: string): string {
  const pm = resolvePaymentMethod(ctx, pmId, param);
  if (pm.customer !== customer) {
    invalid(`The customer does not have a payment method with the ID ${pm.id}. The payment method must be attached to the customer.`, param, 'resource_missing');
  }
  return pm.id;
}

const subView = (ctx: RouteContext, sub: Obj, p: Obj) => expand(ctx, sub, p.expand);

export const billingRoutes: RouteDefinition[] = [
  route('POST', '/v1/subscriptions', (ctx) => {
    const p = params(ctx, { ...SUB_COMMON, customer: 'string', currency: 'string', trial_period_days: 'int', trial_from_plan: 'bool', billing_cycle_anchor: 'int', backdate_start_date: 'int', add_invoice_items: 'any', expand: 'strings' }, ['customer']);
    const customer = load(ctx, KINDS.customer, p.customer, 'customer');
    if (!p.items || p.items.length === 0) invalid('Missing required param: items.', 'items', 'parameter_missing');
    const prices = (p.items as Obj[]).map((it, i) => {
      if (!it.price && !it.plan) invalid(`Missing required param: items[${i}][price].`, `items[${i}][price]`, 'parameter_missing');
      return loadPrice(ctx, it.price ?? it.plan, `items[${i}][price]`);
    });
    const cur = p.currency ? currency(p.currency) : prices[0].currency;
    if (prices.some((pr) => pr.currency !== cur)) invalid('All prices on a subscription must have the same `currency`.', 'items');
    const pmId = p.default_payment_method ? checkPmBelongs(ctx, p.default_payment_method, customer.id, 'default_payment_method') : null;
    const now = ctx.nowUnix();
    let trialEnd: number | null = null;
    if (p.trial_end === 'now') trialEnd = null;
    else if (typeof p.trial_end === 'number') {
      if (p.trial_end <= now) invalid('Invalid timestamp: must be an integer Unix timestamp in the future.', 'trial_end');
      trialEnd = p.trial_end;
    } else if (p.trial_period_days) trialEnd = now + p.trial_period_days * DAY;
    const id = newId(ctx, KINDS.subscription);
    const base: Obj = {
      id,
      ...subscriptionShell(),
      billing_cycle_anchor: trialEnd ?? now,
      cancel_at: p.cancel_at ?? null,
      cancel_at_period_end: p.cancel_at_period_end ?? false,
      canceled_at: null,
      cancellation_details: { comment: null, feedback: null, reason: null },
      collection_method: p.collection_method ?? 'charge_automatically',
      created: now,
      currency: cur,
      current_period_end: 0,
      current_period_start: now,
      customer: customer.id,
      days_until_due: p.collection_method === 'send_invoice' ? (p.days_until_due ?? 30) : null,
      default_payment_method: pmId,
      description: p.description ?? null,
      ended_at: null,
      items: { object: 'list', data: [], has_more: false, total_count: 0, url: '' },
      latest_invoice: null,
      metadata: mergeMetadata({}, p.metadata),
      start_date: now,
      status: trialEnd ? 'trialing' : 'incomplete',
      trial_end: trialEnd,
      trial_start: trialEnd ? now : null,
    };
    base.items = { data: (p.items as Obj[]).map((it, i) => itemObject(ctx, base, prices[i], it.quantity ?? 1, { metadata: mergeMetadata({}, it.metadata) })) };
    base.current_period_end = trialEnd ?? nextPeriodEnd(base, now);
    const couponId = couponFrom(p);
    if (couponId) {
      const coupon = redeemCoupon(ctx, couponId, p.coupon ? 'coupon' : 'discounts[0][coupon]');
      base.discount = discountObject(ctx, coupon, customer.id, id);
      base.discounts = [base.discount.id];
    }
    let sub: Obj = ctx.db.insert('subscriptions', normalizeSubscription(base));
    // The first invoice: finalized at once (trials: a $0 invoice, paid).
    const inv = createInvoice(ctx, {
      customer,
      currency: cur,
      billing_reason: 'subscription_create',
      collection_method: sub.collection_method,
      days_until_due: sub.days_until_due,
      subscription: sub,
      lines: subscriptionLines(ctx, sub, { start: now, end: sub.current_period_end }).map((l) => (trialEnd ? { ...l, amount: 0, description: `Trial period for ${l.description.replace(/^\d+ × /, '').replace(/ \(at .*\)$/, '')}` } : l)),
      period: { start: now, end: now },
      discount: trialEnd ? null : sub.discount,
    });
    sub = ctx.db.update<Obj>('subscriptions', sub.id, { latest_invoice: inv.id })!;
    emitEvent(ctx, 'customer.subscription.created', sub);
    let finalized = finalizeInvoice(ctx, inv);
    const behavior = p.payment_behavior ?? 'allow_incomplete';
    let cardError: Obj | undefined;
    if (finalized.status === 'open' && sub.collection_method === 'charge_automatically' && behavior !== 'default_incomplete') {
      const pm = pmId ?? customer.invoice_settings?.default_payment_method ?? null;
      if (!pm) {
        if (behavior === 'error_if_incomplete') {
          invalid('This customer has no attached payment source or default payment method. Please consider adding a default payment method. For more information, visit https://docs.stripe.com/billing/subscriptions/payment-methods-setting#payment-method-priority.');
        }
      } else {
        const res = payInvoice(ctx, finalized, { paymentMethod: pm, offSession: p.off_session ?? false });
        finalized = res.invoice;
        if (res.confirm?.error) {
          if (behavior === 'error_if_incomplete') fail(402, res.confirm.error as never);
          cardError = res.confirm.error;
        }
      }
    } else if (sub.collection_method === 'send_invoice' && finalized.status === 'open') {
      sub = saveSubscription(ctx, ctx.db.get<Obj>('subscriptions', sub.id)!, { status: 'active' }, null);
    }
    sub = ctx.db.get<Obj>('subscriptions', sub.id)!;
    if (sub.status === 'incomplete') ctx.timers.schedule(TIMER.incompleteExpiry, 23 * 3600 * 1000, { subscription: sub.id });
    else scheduleSubscriptionTimers(ctx, sub);
    void cardError;
    return subView(ctx, sub, p);
  }),
  route('GET', '/v1/subscriptions', (ctx) => {
    const p = params(ctx, { ...LIST_PARAMS, customer: 'string', price: 'string', status: { enum: ['active', 'all', 'canceled', 'ended', 'incomplete', 'incomplete_expired', 'past_due', 'paused', 'trialing', 'unpaid'] }, collection_method: 'string', test_clock: 'string', current_period_end: 'any', current_period_start: 'any', automatic_tax: 'any' });
    const status = p.status ?? null;
    return listReply(ctx, KINDS.subscription, p, '/v1/subscriptions', {
      where: p.customer ? { customer: p.customer } : undefined,
      filter: (r) =>
        (status === 'all' || (status === null ? !['canceled', 'incomplete_expired'].includes(r.status) : status === 'ended' ? ['canceled', 'incomplete_expired'].includes(r.status) : r.status === status)) &&
        (!p.price || subItems(r).some((i) => i.price.id === p.price)),
    });
  }),
  route('GET', '/v1/subscriptions/search', (ctx) => {
    const p = params(ctx, { query: 'string', limit: 'int', page: 'string' }, ['query']);
    const groups = parseSearch(p.query);
    const rows = ctx.db.list<Obj>('subscriptions', { order: 'desc' }).filter((r) => matchesSearch(r, groups));
    return expand(ctx, searchReply(rows, '/v1/subscriptions/search', p.limit ?? 10, p.page), p.expand);
  }),
  route('GET', '/v1/subscriptions/:id', (ctx) => {
    const p = params(ctx, {});
    return subView(ctx, load(ctx, KINDS.subscription, ctx.req.params.id, 'id'), p);
  }),
  route('POST', '/v1/subscriptions/:id', (ctx) => {
    const p = params(ctx, { ...SUB_COMMON, billing_cycle_anchor: { enum: ['now', 'unchanged'] }, proration_date: 'int', add_invoice_items: 'any' });
    const before = load(ctx, KINDS.subscription, ctx.req.params.id, 'id');
    if (before.status === 'canceled' || before.status === 'incomplete_expired') {
      invalid(`A canceled subscription can only update its cancellation_details and metadata.`, undefined);
    }
    const pmId = p.default_payment_method ? checkPmBelongs(ctx, p.default_payment_method, before.customer, 'default_payment_method') : undefined;
    let discount = before.discount;
    const couponId = couponFrom(p);
    if (couponId) discount = discountObject(ctx, redeemCoupon(ctx, couponId, p.coupon ? 'coupon' : 'discounts[0][coupon]'), before.customer, before.id);
    else if (p.coupon === null || (Array.isArray(p.discounts) && p.discounts.length === 0)) discount = null;
    let items = subItems(before).map((i) => ({ ...i }));
    if (p.items) {
      for (const [i, it] of (p.items as Obj[]).entries()) {
        if (it.id) {
          const idx = items.findIndex((x) => x.id === it.id);
          if (idx === -1) invalid(`Invalid subscription_item id: ${it.id}`, `items[${i}][id]`);
          if (it.deleted) {
            items.splice(idx, 1);
            continue;
          }
          if (it.price) items[idx] = { ...items[idx], ...itemObject(ctx, before, loadPrice(ctx, it.price, `items[${i}][price]`), it.quantity ?? items[idx].quantity, { id: it.id, created: items[idx].created }) };
          else if (it.quantity !== undefined) items[idx] = { ...items[idx], quantity: it.quantity };
          if (it.metadata !== undefined) items[idx].metadata = mergeMetadata(items[idx].metadata, it.metadata);
        } else {
          if (!it.price) invalid(`Missing required param: items[${i}][price].`, `items[${i}][price]`, 'parameter_missing');
          items.push(itemObject(ctx, before, loadPrice(ctx, it.price, `items[${i}][price]`), it.quantity ?? 1, { metadata: mergeMetadata({}, it.metadata) }));
        }
      }
      if (items.length === 0) invalid('A subscription must have at least one active plan. To cancel a subscription, please use the cancel API endpoint on /v1/subscriptions.', 'items');
    }
    let trialPatch: Obj = {};
    if (p.trial_end === 'now' && before.status === 'trialing') trialPatch = { trial_end: ctx.nowUnix() };
    else if (typeof p.trial_end === 'number') trialPatch = { trial_end: p.trial_end, status: before.status === 'active' || before.status === 'trialing' ? 'trialing' : before.status, current_period_end: p.trial_end };
    let after = saveSubscription(
      ctx,
      before,
      (s) => {
        s.items = { ...s.items, data: items };
        for (const k of ['cancel_at_period_end', 'cancel_at', 'collection_method', 'days_until_due', 'description']) if (k in p) s[k] = p[k];
        if (p.cancel_at_period_end === true) s.canceled_at = ctx.nowUnix();
        if (p.cancel_at_period_end === false) s.canceled_at = null;
        if (p.cancellation_details) s.cancellation_details = { ...s.cancellation_details, ...p.cancellation_details };
        if (pmId !== undefined) s.default_payment_method = pmId;
        if (p.default_payment_method === null) s.default_payment_method = null;
        s.metadata = mergeMetadata(s.metadata, p.metadata);
        s.discount = discount;
        s.discounts = discount ? [discount.id] : [];
        Object.assign(s, trialPatch);
        return s;
      },
      'customer.subscription.updated',
    );
    if (p.trial_end === 'now' && before.status === 'trialing') {
      const { onPeriodEnd } = billingTimersForNow;
      onPeriodEnd(ctx, { subscription: after.id, period_end: after.trial_end });
      after = ctx.db.get<Obj>('subscriptions', after.id)!;
    } else if (p.proration_behavior === 'always_invoice' && p.items) {
      const customer = ctx.db.get<Obj>('customers', after.customer)!;
      const inv = createInvoice(ctx, { customer, currency: after.currency, billing_reason: 'subscription_update', subscription: after, lines: subscriptionLines(ctx, after, { start: ctx.nowUnix(), end: after.current_period_end }), discount: after.discount });
      ctx.db.update('subscriptions', after.id, { latest_invoice: inv.id });
      const paid = payInvoice(ctx, finalizeInvoice(ctx, inv), { automatic: true });
      void paid;
      after = ctx.db.get<Obj>('subscriptions', after.id)!;
    }
    scheduleSubscriptionTimers(ctx, after);
    return subView(ctx, after, p);
  }),
  route('DELETE', '/v1/subscriptions/:id', (ctx) => {
    const p = params(ctx, { invoice_now: 'bool', prorate: 'bool', cancellation_details: { object: { comment: 'string', feedback: 'string' } } });
    const sub = load(ctx, KINDS.subscription, ctx.req.params.id, 'id');
    if (sub.status === 'canceled' || sub.status === 'incomplete_expired') {
      invalid(`No such subscription: '${sub.id}'`, 'id', 'resource_missing');
    }
    return subView(ctx, cancelSubscription(ctx, sub, { reason: 'cancellation_requested', comment: p.cancellation_details?.comment, feedback: p.cancellation_details?.feedback }), p);
  }),
  route('POST', '/v1/subscriptions/:id/resume', (ctx) => {
    const p = params(ctx, { billing_cycle_anchor: 'string', proration_behavior: 'string', proration_date: 'int' });
    const sub = load(ctx, KINDS.subscription, ctx.req.params.id, 'id');
    if (sub.status !== 'paused') invalid('Subscription is not paused.', undefined);
    return subView(ctx, saveSubscription(ctx, sub, { status: 'active', pause_collection: null }), p);
  }),
  route('GET', '/v1/subscription_items', (ctx) => {
    const p = params(ctx, { ...LIST_PARAMS, subscription: 'string' }, ['subscription']);
    const sub = load(ctx, KINDS.subscription, p.subscription, 'subscription');
    return expand(ctx, { object: 'list', data: subItems(sub), has_more: false, url: '/v1/subscription_items' }, p.expand);
  }),
  route('GET', '/v1/subscription_items/:id', (ctx) => {
    const p = params(ctx, {});
    for (const sub of ctx.db.list<Obj>('subscriptions')) {
      const item = subItems(sub).find((i) => i.id === ctx.req.params.id);
      if (item) return expand(ctx, item, p.expand);
    }
    return noSuch('subscription_item', ctx.req.params.id);
  }),

  // ── invoices
  route('POST', '/v1/invoices', (ctx) => {
    const p = params(ctx, {
      customer: 'string',
      auto_advance: 'bool',
      collection_method: { enum: ['charge_automatically', 'send_invoice'] },
      currency: 'string',
      days_until_due: 'int',
      default_payment_method: 'string',
      description: 'string',
      discounts: { array: { object: { coupon: 'string', discount: 'string', promotion_code: 'string' } } },
      due_date: 'int',
      metadata: 'metadata',
      pending_invoice_items_behavior: { enum: ['exclude', 'include'] },
      subscription: 'string',
      footer: 'string',
      custom_fields: 'any',
      automatic_tax: 'any',
      payment_settings: 'any',
      rendering: 'any',
      statement_descriptor: 'string',
      account_tax_ids: 'any',
      default_tax_rates: 'any',
      shipping_cost: 'any',
      shipping_details: 'any',
      number: 'string',
      effective_at: 'int',
      issuer: 'any',
      on_behalf_of: 'string',
      transfer_data: 'any',
      application_fee_amount: 'int',
      from_invoice: 'any',
    }, ['customer']);
    const customer = load(ctx, KINDS.customer, p.customer, 'customer');
    const sub = p.subscription ? load(ctx, KINDS.subscription, p.subscription, 'subscription') : null;
    if (p.collection_method === 'send_invoice' && p.days_until_due === undefined && p.due_date === undefined) {
      invalid('Missing required param: days_until_due.', 'days_until_due', 'parameter_missing');
    }
    const pending = p.pending_invoice_items_behavior === 'include' ? ctx.db.list<Obj>('invoiceitems', { where: { customer: customer.id, invoice: null } }) : [];
    const cur = p.currency ? currency(p.currency) : (pending[0]?.currency ?? customer.currency ?? 'usd');
    const couponId = p.discounts?.find((d: Obj) => d.coupon)?.coupon;
    const discount = couponId ? discountObject(ctx, redeemCoupon(ctx, couponId, 'discounts[0][coupon]'), customer.id, null) : null;
    let inv: Obj = createInvoice(ctx, {
      customer,
      currency: cur,
      billing_reason: 'manual',
      collection_method: p.collection_method,
      days_until_due: p.days_until_due,
      subscription: sub,
      lines: [],
      description: p.description,
      metadata: mergeMetadata({}, p.metadata),
      auto_advance: p.auto_advance ?? false,
      default_payment_method: p.default_payment_method,
      discount,
    });
    for (const item of pending) {
      inv = addInvoiceLine(ctx, inv, { amount: item.amount, description: item.description ?? 'Invoice item', quantity: item.quantity, price: item.price, period: item.period, invoice_item: item.id, type: 'invoiceitem' });
      ctx.db.update('invoiceitems', item.id, { invoice: inv.id });
    }
    if (p.due_date) inv = ctx.db.update<Obj>('invoices', inv.id, { due_date: p.due_date })!;
    if (inv.auto_advance) ctx.timers.schedule(TIMER.autoAdvance, 3600 * 1000, { invoice: inv.id });
    return expand(ctx, inv, p.expand);
  }),
  route('GET', '/v1/invoices', (ctx) => {
    const p = params(ctx, { ...LIST_PARAMS, customer: 'string', subscription: 'string', status: { enum: ['draft', 'open', 'paid', 'uncollectible', 'void'] }, collection_method: 'string', due_date: 'any', customer_account: 'string' });
    return listReply(ctx, KINDS.invoice, p, '/v1/invoices', {
      where: { ...(p.customer ? { customer: p.customer } : {}), ...(p.subscription ? { subscription: p.subscription } : {}), ...(p.status ? { status: p.status } : {}), ...(p.collection_method ? { collection_method: p.collection_method } : {}) },
    });
  }),
  route('GET', '/v1/invoices/search', (ctx) => {
    const p = params(ctx, { query: 'string', limit: 'int', page: 'string' }, ['query']);
    const groups = parseSearch(p.query);
    const rows = ctx.db.list<Obj>('invoices', { order: 'desc' }).filter((r) => matchesSearch(r, groups));
    return expand(ctx, searchReply(rows, '/v1/invoices/search', p.limit ?? 10, p.page), p.expand);
  }),
  route('GET', '/v1/invoices/:id', (ctx) => {
    const p = params(ctx, {});
    return expand(ctx, load(ctx, KINDS.invoice, ctx.req.params.id, 'invoice'), p.expand);
  }),
  route('GET', '/v1/invoices/:id/lines', (ctx) => {
    const p = params(ctx, LIST_PARAMS);
    const inv = load(ctx, KINDS.invoice, ctx.req.params.id, 'invoice');
    return expand(ctx, { object: 'list', data: inv.lines.data, has_more: false, url: `/v1/invoices/${inv.id}/lines` }, p.expand);
  }),
  route('POST', '/v1/invoices/:id', (ctx) => {
    const p = params(ctx, { auto_advance: 'bool', description: 'string', metadata: 'metadata', days_until_due: 'int', due_date: 'int', default_payment_method: 'string', collection_method: 'string', footer: 'string', custom_fields: 'any', statement_descriptor: 'string', rendering: 'any', payment_settings: 'any', discounts: 'any', automatic_tax: 'any' });
    const before = load(ctx, KINDS.invoice, ctx.req.params.id, 'invoice');
    const onlyMeta = Object.keys(p).every((k) => k === 'metadata' || k === 'expand' || k === 'auto_advance');
    if (before.status !== 'draft' && !onlyMeta) {
      invalid(`You can only update metadata on a finalized invoice. This invoice is ${before.status}.`, undefined, 'invoice_not_editable');
    }
    const after = ctx.db.update<Obj>('invoices', before.id, (i) => {
      for (const k of ['auto_advance', 'description', 'due_date', 'default_payment_method', 'collection_method', 'footer', 'statement_descriptor']) if (k in p) i[k] = p[k];
      if ('days_until_due' in p) i.due_date = ctx.nowUnix() + p.days_until_due * DAY;
      i.metadata = mergeMetadata(i.metadata, p.metadata);
      return recomputeTotals(i, ctx.nowUnix());
    })!;
    const prev = previousAttributes(before, after);
    if (prev) emitEvent(ctx, 'invoice.updated', after, prev);
    return expand(ctx, after, p.expand);
  }),
  route('DELETE', '/v1/invoices/:id', (ctx) => {
    params(ctx, {});
    const inv = load(ctx, KINDS.invoice, ctx.req.params.id, 'invoice');
    if (inv.status !== 'draft') invalid(`You can only delete draft invoices. This invoice is ${inv.status}; void it instead.`, undefined, 'invoice_not_editable');
    ctx.db.remove('invoices', inv.id);
    emitEvent(ctx, 'invoice.deleted', inv);
    return { id: inv.id, object: 'invoice', deleted: true };
  }),
  route('POST', '/v1/invoices/:id/finalize', (ctx) => {
    const p = params(ctx, { auto_advance: 'bool' });
    const inv = load(ctx, KINDS.invoice, ctx.req.params.id, 'invoice');
    return expand(ctx, finalizeInvoice(ctx, inv), p.expand);
  }),
  route('POST', '/v1/invoices/:id/pay', (ctx) => {
    const p = params(ctx, { forgive: 'bool', mandate: 'string', off_session: 'bool', paid_out_of_band: 'bool', payment_method: 'string', source: 'string' });
    const inv = load(ctx, KINDS.invoice, ctx.req.params.id, 'invoice');
    const pmId = p.payment_method ? resolvePaymentMethod(ctx, p.payment_method).id : undefined;
    const res = payInvoice(ctx, inv, { paymentMethod: pmId, paidOutOfBand: p.paid_out_of_band === true, offSession: p.off_session ?? true });
    if (res.confirm?.error) return cardErrorReply({ ...res.confirm.error, payment_intent: ctx.db.get('payment_intents', res.confirm.pi.id) });
    return ok(expand(ctx, res.invoice, p.expand));
  }),
  route('POST', '/v1/invoices/:id/void', (ctx) => {
    const p = params(ctx, {});
    return expand(ctx, voidInvoice(ctx, load(ctx, KINDS.invoice, ctx.req.params.id, 'invoice')), p.expand);
  }),
  route('POST', '/v1/invoices/:id/mark_uncollectible', (ctx) => {
    const p = params(ctx, {});
    return expand(ctx, markUncollectible(ctx, load(ctx, KINDS.invoice, ctx.req.params.id, 'invoice')), p.expand);
  }),
  route('POST', '/v1/invoices/:id/send', (ctx) => {
    const p = params(ctx, {});
    const inv = load(ctx, KINDS.invoice, ctx.req.params.id, 'invoice');
    if (inv.status !== 'open') invalid(`You can only send open invoices. This invoice is ${inv.status}.`);
    return expand(ctx, inv, p.expand);
  }),

  // ── invoice items
  route('POST', '/v1/invoiceitems', (ctx) => {
    const p = params(ctx, { customer: 'string', amount: 'int', currency: 'string', description: 'string', invoice: 'string', metadata: 'metadata', period: { object: { start: 'int', end: 'int' } }, price: 'string', pricing: { object: { price: 'string' } }, quantity: 'int', subscription: 'string', unit_amount: 'int', unit_amount_decimal: 'string', discountable: 'bool', discounts: 'any', price_data: 'any', tax_behavior: 'string', tax_code: 'string', tax_rates: 'any' }, ['customer']);
    const customer = load(ctx, KINDS.customer, p.customer, 'customer');
    const priceId = p.price ?? p.pricing?.price;
    const price = priceId ? load(ctx, KINDS.price, priceId, 'price') : null;
    const quantity = p.quantity ?? 1;
    const amount = p.amount ?? (price ? (price.unit_amount ?? 0) * quantity : p.unit_amount !== undefined ? p.unit_amount * quantity : undefined);
    if (amount === undefined) invalid('Missing required param: amount.', 'amount', 'parameter_missing');
    const cur = p.currency ? currency(p.currency) : (price?.currency ?? customer.currency ?? null);
    if (!cur) invalid('Missing required param: currency.', 'currency', 'parameter_missing');
    const now = ctx.nowUnix();
    let invoice: Obj | null = null;
    if (p.invoice) {
      invoice = load(ctx, KINDS.invoice, p.invoice, 'invoice');
      if (invoice.status !== 'draft') invalid(`You can only add invoice items to draft invoices. This invoice is ${invoice.status}.`, 'invoice', 'invoice_not_editable');
    }
    const item = ctx.db.insert('invoiceitems', {
      id: newId(ctx, KINDS.invoiceitem),
      object: 'invoiceitem',
      amount,
      currency: cur,
      customer: customer.id,
      date: now,
      description: p.description ?? null,
      discountable: p.discountable ?? true,
      discounts: [],
      invoice: invoice?.id ?? null,
      livemode: false,
      metadata: mergeMetadata({}, p.metadata),
      period: p.period ?? { end: now, start: now },
      price,
      proration: false,
      quantity,
      subscription: p.subscription ?? null,
      tax_rates: [],
      test_clock: null,
      unit_amount: price?.unit_amount ?? (p.unit_amount ?? amount),
      unit_amount_decimal: String(price?.unit_amount ?? p.unit_amount ?? amount),
    });
    if (invoice) addInvoiceLine(ctx, invoice, { amount: item.amount, description: item.description ?? 'Invoice item', quantity, price, period: item.period, invoice_item: item.id, type: 'invoiceitem' });
    emitEvent(ctx, 'invoiceitem.created', item);
    return expand(ctx, item, p.expand);
  }),
  route('GET', '/v1/invoiceitems', (ctx) => {
    const p = params(ctx, { ...LIST_PARAMS, customer: 'string', invoice: 'string', pending: 'bool' });
    return listReply(ctx, KINDS.invoiceitem, p, '/v1/invoiceitems', {
      where: { ...(p.customer ? { customer: p.customer } : {}), ...(p.invoice ? { invoice: p.invoice } : {}) },
      filter: p.pending ? (r) => r.invoice === null : undefined,
    });
  }),
  route('GET', '/v1/invoiceitems/:id', (ctx) => {
    const p = params(ctx, {});
    return expand(ctx, load(ctx, KINDS.invoiceitem, ctx.req.params.id), p.expand);
  }),
];

import { onPeriodEnd } from '../billing.js';
const billingTimersForNow = { onPeriodEnd };
