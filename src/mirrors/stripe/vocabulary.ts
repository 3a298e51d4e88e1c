/**
 * The Stripe mirror's nouns for the check grammar, over `GET /_mirra/state` rows (Stripe
 * objects, references as ids): "Exactly 1 refund is created on payment_intent `pi_abc`",
 * "The refund amount is 4500", "The subscription `sub_1` is past_due".
 */
import type { VocabularyNoun } from '../core/definition.js';

const common = { id: 'id', created: 'created', metadata: 'metadata', livemode: 'livemode' };

export const vocabulary: Record<string, VocabularyNoun> = {
  customer: {
    entity: 'customers',
    plural: 'customers',
    aliases: ['stripe customer'],
    fields: { ...common, email: 'email', name: 'name', description: 'description', phone: 'phone', balance: 'balance', 'default payment method': 'invoice_settings.default_payment_method', default_payment_method: 'invoice_settings.default_payment_method', address: 'address', delinquent: 'delinquent' },
  },
  'payment intent': {
    entity: 'payment_intents',
    plural: 'payment intents',
    aliases: ['payment_intent', 'paymentintent', 'payment'],
    fields: { ...common, amount: 'amount', currency: 'currency', customer: 'customer', status: 'status', 'payment method': 'payment_method', payment_method: 'payment_method', 'amount received': 'amount_received', amount_received: 'amount_received', description: 'description', 'latest charge': 'latest_charge', latest_charge: 'latest_charge', charge: 'latest_charge', invoice: 'invoice', 'capture method': 'capture_method', 'cancellation reason': 'cancellation_reason', 'last payment error': 'last_payment_error.code', 'decline code': 'last_payment_error.decline_code' },
    status: { field: 'status', values: ['requires_payment_method', 'requires_confirmation', 'requires_action', 'processing', 'requires_capture', 'succeeded', 'canceled'] },
  },
  charge: {
    entity: 'charges',
    plural: 'charges',
    fields: { ...common, amount: 'amount', 'amount refunded': 'amount_refunded', amount_refunded: 'amount_refunded', 'amount captured': 'amount_captured', refunded: 'refunded', captured: 'captured', paid: 'paid', disputed: 'disputed', currency: 'currency', customer: 'customer', status: 'status', 'payment intent': 'payment_intent', payment_intent: 'payment_intent', 'payment method': 'payment_method', invoice: 'invoice', 'failure code': 'failure_code', failure_code: 'failure_code', 'decline code': 'outcome.reason' },
    status: { field: 'status', values: ['pending', 'succeeded', 'failed'] },
  },
  refund: {
    entity: 'refunds',
    plural: 'refunds',
    fields: { ...common, amount: 'amount', currency: 'currency', status: 'status', 'payment intent': 'payment_intent', payment_intent: 'payment_intent', paymentintent: 'payment_intent', charge: 'charge', reason: 'reason' },
    status: { field: 'status', values: ['pending', 'requires_action', 'succeeded', 'failed', 'canceled'] },
  },
  subscription: {
    entity: 'subscriptions',
    plural: 'subscriptions',
    aliases: ['plan subscription'],
    fields: { ...common, customer: 'customer', status: 'status', 'cancel at period end': 'cancel_at_period_end', cancel_at_period_end: 'cancel_at_period_end', 'canceled at': 'canceled_at', 'current period end': 'current_period_end', 'trial end': 'trial_end', 'latest invoice': 'latest_invoice', 'default payment method': 'default_payment_method', price: 'items.data.0.price.id', plan: 'items.data.0.price.id', quantity: 'items.data.0.quantity', 'collection method': 'collection_method' },
    status: { field: 'status', values: ['incomplete', 'incomplete_expired', 'trialing', 'active', 'past_due', 'canceled', 'unpaid', 'paused'] },
  },
  invoice: {
    entity: 'invoices',
    plural: 'invoices',
    fields: { ...common, customer: 'customer', subscription: 'subscription', status: 'status', total: 'total', subtotal: 'subtotal', 'amount due': 'amount_due', amount_due: 'amount_due', amount: 'amount_due', 'amount paid': 'amount_paid', amount_paid: 'amount_paid', 'amount remaining': 'amount_remaining', 'attempt count': 'attempt_count', attempt_count: 'attempt_count', 'billing reason': 'billing_reason', billing_reason: 'billing_reason', 'payment intent': 'payment_intent', number: 'number', paid: 'paid', 'next payment attempt': 'next_payment_attempt', currency: 'currency' },
    status: { field: 'status', values: ['draft', 'open', 'paid', 'uncollectible', 'void'] },
  },
  product: {
    entity: 'products',
    plural: 'products',
    fields: { ...common, name: 'name', active: 'active', description: 'description', 'default price': 'default_price' },
  },
  price: {
    entity: 'prices',
    plural: 'prices',
    fields: { ...common, product: 'product', 'unit amount': 'unit_amount', unit_amount: 'unit_amount', amount: 'unit_amount', currency: 'currency', active: 'active', interval: 'recurring.interval', 'lookup key': 'lookup_key', lookup_key: 'lookup_key', nickname: 'nickname', type: 'type' },
  },
  coupon: {
    entity: 'coupons',
    plural: 'coupons',
    aliases: ['discount code'],
    fields: { ...common, name: 'name', 'percent off': 'percent_off', percent_off: 'percent_off', 'amount off': 'amount_off', amount_off: 'amount_off', duration: 'duration', 'times redeemed': 'times_redeemed', valid: 'valid' },
  },
  'payment method': {
    entity: 'payment_methods',
    plural: 'payment methods',
    aliases: ['payment_method', 'card'],
    fields: { ...common, customer: 'customer', type: 'type', brand: 'card.brand', last4: 'card.last4', 'last 4': 'card.last4' },
  },
  dispute: {
    entity: 'disputes',
    plural: 'disputes',
    fields: { ...common, amount: 'amount', charge: 'charge', 'payment intent': 'payment_intent', reason: 'reason', status: 'status' },
    status: { field: 'status', values: ['warning_needs_response', 'warning_under_review', 'warning_closed', 'needs_response', 'under_review', 'won', 'lost'] },
  },
  'webhook endpoint': {
    entity: '_webhook_endpoints',
    plural: 'webhook endpoints',
    aliases: ['webhook', 'endpoint'],
    fields: { id: 'id', url: 'url', endpoint: 'url', events: 'events', 'enabled events': 'events', enabled_events: 'events', enabled: 'enabled' },
  },
  event: {
    entity: 'events',
    plural: 'events',
    aliases: ['stripe event'],
    fields: { id: 'id', type: 'type', created: 'created', object: 'data.object.id', 'pending webhooks': 'pending_webhooks' },
  },
};
