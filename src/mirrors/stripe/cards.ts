/**
 * Stripe's test payment methods. A token (`pm_card_visa`, `tok_chargeDeclined`, …) becomes a
 * fresh `pm_…` row, as in Stripe; how a card behaves when charged is decided by its
 * `last4`, so seeds can describe a declining card with `card: { last4: '0341' }`.
 */
export interface DeclineSpec {
  code: string;
  decline_code: string;
  message: string;
  param?: string;
}

export type CardBehavior =
  | { kind: 'succeed' }
  | { kind: 'decline'; decline: DeclineSpec; /** attaching also fails (4000000000000002) */ attachFails: boolean }
  | { kind: 'authenticate' };

interface TestCard {
  brand: string;
  last4: string;
  funding?: string;
  country?: string;
}

const GENERIC: DeclineSpec = { code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' };

/** last4 → behaviour (Stripe's documented test numbers). */
export const BEHAVIOR_BY_LAST4: Record<string, CardBehavior> = {
  '0002': { kind: 'decline', decline: GENERIC, attachFails: true },
  '9995': { kind: 'decline', decline: { code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' }, attachFails: true },
  '9987': { kind: 'decline', decline: { code: 'card_declined', decline_code: 'lost_card', message: 'Your card was declined.' }, attachFails: true },
  '9979': { kind: 'decline', decline: { code: 'card_declined', decline_code: 'stolen_card', message: 'Your card was declined.' }, attachFails: true },
  '0019': { kind: 'decline', decline: { code: 'card_declined', decline_code: 'fraudulent', message: 'Your card was declined.' }, attachFails: true },
  '0069': { kind: 'decline', decline: { code: 'expired_card', decline_code: 'expired_card', message: 'Your card has expired.', param: 'exp_month' }, attachFails: true },
  '0127': { kind: 'decline', decline: { code: 'incorrect_cvc', decline_code: 'incorrect_cvc', message: "Your card's security code is incorrect.", param: 'cvc' }, attachFails: true },
  '0119': {
    kind: 'decline',
    decline: { code: 'processing_error', decline_code: 'processing_error', message: 'An error occurred while processing your card. Try again in a little bit.' },
    attachFails: true,
  },
  '0341': { kind: 'decline', decline: GENERIC, attachFails: false },
  '3184': { kind: 'authenticate' },
  '3155': { kind: 'authenticate' },
  '3220': { kind: 'authenticate' },
};

export function behaviorOf(last4: string | undefined): CardBehavior {
  return (last4 && BEHAVIOR_BY_LAST4[last4]) || { kind: 'succeed' };
}

const visa = (last4: string): TestCard => ({ brand: 'visa', last4 });

/** Suffix after `pm_card_` / `tok_` → card. */
const TOKENS: Record<string, TestCard> = {
  visa: visa('4242'),
  visa_debit: { brand: 'visa', last4: '5556', funding: 'debit' },
  mastercard: { brand: 'mastercard', last4: '4444' },
  mastercard_debit: { brand: 'mastercard', last4: '8210', funding: 'debit' },
  amex: { brand: 'amex', last4: '8431' },
  discover: { brand: 'discover', last4: '1117' },
  us: visa('4242'),
  chargeDeclined: visa('0002'),
  visa_chargeDeclined: visa('0002'),
  chargeDeclinedInsufficientFunds: visa('9995'),
  visa_chargeDeclinedInsufficientFunds: visa('9995'),
  chargeDeclinedLostCard: visa('9987'),
  visa_chargeDeclinedLostCard: visa('9987'),
  chargeDeclinedStolenCard: visa('9979'),
  visa_chargeDeclinedStolenCard: visa('9979'),
  chargeDeclinedFraudulent: visa('0019'),
  visa_chargeDeclinedFraudulent: visa('0019'),
  chargeDeclinedExpiredCard: visa('0069'),
  visa_chargeDeclinedExpiredCard: visa('0069'),
  chargeDeclinedIncorrectCvc: visa('0127'),
  visa_chargeDeclinedIncorrectCvc: visa('0127'),
  chargeDeclinedProcessingError: visa('0119'),
  visa_chargeDeclinedProcessingError: visa('0119'),
  chargeCustomerFail: visa('0341'),
  visa_chargeCustomerFail: visa('0341'),
  threeDSecure2Required: visa('3155'),
  authenticationRequired: visa('3184'),
  authenticationRequiredOnSetup: visa('3155'),
  threeDSecureRequired: visa('3220'),
};

/** The test card a token names, or undefined when `value` is not a test token. */
export function testToken(value: string): TestCard | undefined {
  const m = /^(?:pm_card_|tok_)(.+)$/.exec(value);
  return m ? TOKENS[m[1]] : undefined;
}

export function cardDetails(card: { brand?: string; last4?: string; exp_month?: number; exp_year?: number; funding?: string; country?: string }, fingerprint: string): Record<string, unknown> {
  const brand = card.brand ?? 'visa';
  return {
    brand,
    checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
    country: card.country ?? 'US',
    display_brand: brand === 'amex' ? 'american_express' : brand,
    exp_month: card.exp_month ?? 12,
    exp_year: card.exp_year ?? 2034,
    fingerprint,
    funding: card.funding ?? 'credit',
    generated_from: null,
    last4: card.last4 ?? '4242',
    networks: { available: [brand], preferred: null },
    regulated_status: 'unregulated',
    three_d_secure_usage: { supported: true },
    wallet: null,
  };
}
