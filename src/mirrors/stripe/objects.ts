/**
 * Entities, id prefixes and the object-name ↔ table mapping. Rows are stored exactly as the
 * API returns them un-expanded (references are id strings), so `/_mirra/state` and the check
 * grammar read real Stripe objects ("refund … on payment_intent `pi_abc`").
 */
import type { SessionContext } from '../core/context.js';

export type Obj = Record<string, any>;

export interface Kind {
  entity: string;
  object: string;
  prefix: string;
  /** Noun in `No such <noun>: 'x'`. */
  noun: string;
}

export const KINDS = {
  customer: { entity: 'customers', object: 'customer', prefix: 'cus_', noun: 'customer' },
  product: { entity: 'products', object: 'product', prefix: 'prod_', noun: 'product' },
  price: { entity: 'prices', object: 'price', prefix: 'price_', noun: 'price' },
  payment_method: { entity: 'payment_methods', object: 'payment_method', prefix: 'pm_', noun: 'PaymentMethod' },
  payment_intent: { entity: 'payment_intents', object: 'payment_intent', prefix: 'pi_', noun: 'payment_intent' },
  charge: { entity: 'charges', object: 'charge', prefix: 'ch_', noun: 'charge' },
  refund: { entity: 'refunds', object: 'refund', prefix: 're_', noun: 'refund' },
  subscription: { entity: 'subscriptions', object: 'subscription', prefix: 'sub_', noun: 'subscription' },
  invoice: { entity: 'invoices', object: 'invoice', prefix: 'in_', noun: 'invoice' },
  invoiceitem: { entity: 'invoiceitems', object: 'invoiceitem', prefix: 'ii_', noun: 'invoiceitem' },
  coupon: { entity: 'coupons', object: 'coupon', prefix: '', noun: 'coupon' },
  event: { entity: 'events', object: 'event', prefix: 'evt_', noun: 'event' },
  dispute: { entity: 'disputes', object: 'dispute', prefix: 'du_', noun: 'dispute' },
  balance_transaction: { entity: 'balance_transactions', object: 'balance_transaction', prefix: 'txn_', noun: 'balance transaction' },
} as const satisfies Record<string, Kind>;

export type KindName = keyof typeof KINDS;

/** Which table an id belongs to, by prefix (for `expand`). */
export function kindOfId(id: string): Kind | undefined {
  for (const k of Object.values(KINDS)) if (k.prefix && id.startsWith(k.prefix)) return k;
  return undefined;
}

export function newId(ctx: SessionContext, kind: Kind | string, length = 24): string {
  return ctx.ids.next(typeof kind === 'string' ? kind : kind.prefix, length);
}

/** Stripe's object ids are prefix + 24 alphanumerics (14 for requests). */
export const ID_LENGTH = 24;
