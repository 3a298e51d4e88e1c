/** /v1/payment_methods: create (card tokens), retrieve, update, list, attach, detach. */
import type { RouteDefinition } from '../../core/definition.js';
import type { SessionContext } from '../../core/context.js';
import { behaviorOf, testToken } from '../cards.js';
import { fail, invalid } from '../errors.js';
import { emitEvent, previousAttributes } from '../events.js';
import { expand, listReply } from '../list.js';
import { KINDS, type Obj } from '../objects.js';
import { ADDRESS, LIST_PARAMS, mergeMetadata, params } from '../params.js';
import { cardErrorFields, paymentMethodObject, resolvePaymentMethod } from '../payments.js';
import { load } from '../resources.js';
import { route } from '../request.js';

const BILLING = { object: { address: ADDRESS, email: 'string', name: 'string', phone: 'string', tax_id: 'string' } } as const;

/** Attach (a token becomes a new PaymentMethod first). Cards that decline at attach answer 402. */
export function attachPaymentMethod(ctx: SessionContext, value: string, customerId: string, param = 'payment_method', checkCustomer = true): Obj {
  if (checkCustomer) load(ctx, KINDS.customer, customerId, 'customer');
  const pm = resolvePaymentMethod(ctx, value, param);
  if (pm.customer && pm.customer !== customerId) {
    invalid('The payment method you provided has already been attached to a customer.', undefined, 'payment_method_unexpected_state' as string);
  }
  const behavior = behaviorOf(pm.card?.last4);
  if (behavior.kind === 'decline' && behavior.attachFails) fail(402, cardErrorFields(behavior.decline));
  if (pm.customer === customerId) return pm;
  const after = ctx.db.update<Obj>('payment_methods', pm.id, { customer: customerId })!;
  emitEvent(ctx, 'payment_method.attached', after);
  return after;
}

export const paymentMethodRoutes: RouteDefinition[] = [
  route('POST', '/v1/payment_methods', (ctx) => {
    const p = params(ctx, {
      type: { enum: ['card'] },
      card: { object: { token: 'string', number: 'string', exp_month: 'int', exp_year: 'int', cvc: 'string' } },
      billing_details: BILLING,
      metadata: 'metadata',
      allow_redisplay: { enum: ['always', 'limited', 'unspecified'] },
      customer: 'string',
      payment_method: 'string',
    });
    if (!p.type && !p.payment_method) invalid('Missing required param: type.', 'type', 'parameter_missing');
    let card: Obj | undefined;
    if (p.card?.token) {
      card = testToken(p.card.token);
      if (!card) invalid(`No such token: '${p.card.token}'`, 'card[token]', 'resource_missing');
    } else if (p.card?.number) {
      invalid(
        "Sending credit card numbers directly to the Stripe API is generally unsafe. We suggest you use test tokens that map to the test card you are using, see https://stripe.com/docs/testing. To enable testing raw card data APIs, see https://support.stripe.com/questions/enabling-access-to-raw-card-data-apis.",
        'card[number]',
      );
    } else if (!p.payment_method) {
      invalid('Missing required param: card.', 'card', 'parameter_missing');
    }
    if (p.payment_method) {
      const src = load(ctx, KINDS.payment_method, p.payment_method, 'payment_method');
      card = { brand: src.card.brand, last4: src.card.last4, exp_month: src.card.exp_month, exp_year: src.card.exp_year };
    }
    const pm = ctx.db.insert(
      'payment_methods',
      paymentMethodObject(ctx, {
        card: { ...card, exp_month: p.card?.exp_month ?? card?.exp_month, exp_year: p.card?.exp_year ?? card?.exp_year },
        billing_details: p.billing_details,
        metadata: mergeMetadata({}, p.metadata),
        allow_redisplay: p.allow_redisplay,
      }),
    );
    return expand(ctx, pm, p.expand);
  }),
  route('GET', '/v1/payment_methods', (ctx) => {
    const p = params(ctx, { ...LIST_PARAMS, customer: 'string', type: 'string', allow_redisplay: 'string' });
    if (p.customer) load(ctx, KINDS.customer, p.customer, 'customer');
    return listReply(ctx, KINDS.payment_method, p, '/v1/payment_methods', {
      where: { ...(p.customer ? { customer: p.customer } : {}), ...(p.type ? { type: p.type } : {}) },
      filter: p.customer ? undefined : (r) => r.customer !== null,
    });
  }),
  route('GET', '/v1/payment_methods/:id', (ctx) => {
    const p = params(ctx, {});
    return expand(ctx, load(ctx, KINDS.payment_method, ctx.req.params.id, 'payment_method'), p.expand);
  }),
  route('POST', '/v1/payment_methods/:id', (ctx) => {
    const p = params(ctx, { billing_details: BILLING, metadata: 'metadata', card: { object: { exp_month: 'int', exp_year: 'int' } }, allow_redisplay: 'string' });
    const before = load(ctx, KINDS.payment_method, ctx.req.params.id, 'payment_method');
    const after = ctx.db.update<Obj>('payment_methods', before.id, (pm) => {
      if (p.billing_details) pm.billing_details = { ...pm.billing_details, ...p.billing_details, address: { ...pm.billing_details.address, ...(p.billing_details.address ?? {}) } };
      if (p.card?.exp_month) pm.card.exp_month = p.card.exp_month;
      if (p.card?.exp_year) pm.card.exp_year = p.card.exp_year;
      if (p.allow_redisplay) pm.allow_redisplay = p.allow_redisplay;
      pm.metadata = mergeMetadata(pm.metadata, p.metadata);
      return pm;
    })!;
    const prev = previousAttributes(before, after);
    if (prev) emitEvent(ctx, 'payment_method.updated', after, prev);
    return expand(ctx, after, p.expand);
  }),
  route('POST', '/v1/payment_methods/:id/attach', (ctx) => {
    const p = params(ctx, { customer: 'string' }, ['customer']);
    return expand(ctx, attachPaymentMethod(ctx, ctx.req.params.id, p.customer, 'payment_method'), p.expand);
  }),
  route('POST', '/v1/payment_methods/:id/detach', (ctx) => {
    const p = params(ctx, {});
    const pm = load(ctx, KINDS.payment_method, ctx.req.params.id, 'payment_method');
    if (!pm.customer) invalid(`The payment method you provided is not attached to a customer so detachment is impossible.`, undefined, 'payment_method_unexpected_state');
    const customerId = pm.customer;
    const after = ctx.db.update<Obj>('payment_methods', pm.id, { customer: null })!;
    const customer = ctx.db.get<Obj>('customers', customerId);
    if (customer?.invoice_settings?.default_payment_method === pm.id) {
      ctx.db.update('customers', customerId, (c: Obj) => ({ ...c, invoice_settings: { ...c.invoice_settings, default_payment_method: null } }));
    }
    emitEvent(ctx, 'payment_method.detached', after, { customer: customerId });
    return expand(ctx, after, p.expand);
  }),
];
