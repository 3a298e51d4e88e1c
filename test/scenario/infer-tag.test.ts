import { describe, expect, test } from 'vitest';
import { inferTag } from '../../src/scenario/index.js';

describe('inferTag: one row per line of the inference table (spec §1.5)', () => {
  test.each([
    // numbers
    ['Exactly 3 emails were sent', 'check', 'number'],
    ['At least 1 email is created', 'check', 'number'],
    ['Fewer than 5 webhooks are delivered', 'check', 'number'],
    ['Exactly one refund exists', 'check', 'number'],
    ['The refund amount is 4500 (in cents)', 'check', 'number'],
    // concrete values
    ["The email's `from` is `hello@mail.acme.com`", 'check', 'concrete-value'],
    ['The subscription `sub_abc` stays active', 'check', 'concrete-value'],
    ['The reply goes to hello@mail.acme.com', 'check', 'concrete-value'],
    ['The subject is "Welcome to Acme"', 'check', 'concrete-value'],
    ['The customer cus_abc123 has a default payment method', 'check', 'concrete-value'],
    // past-tense events
    ['The email was delivered', 'check', 'past-tense-event'],
    ['The webhook signature was verified', 'check', 'past-tense-event'],
    ['A refund was created', 'check', 'past-tense-event'],
    ['Invoices were sent', 'check', 'past-tense-event'],
    ['A customer is created', 'check', 'past-tense-event'],
    ['The handler received the webhook', 'check', 'past-tense-event'],
    // absence of errors
    ['No errors', 'check', 'no-errors'],
    ['There are no signature failures', 'check', 'no-errors'],
    // subjective
    ['The message is appropriate', 'judge', 'subjective'],
    ['The error message is clear', 'judge', 'subjective'],
    ['The app fails gracefully', 'judge', 'subjective'],
    ['The reply is helpful', 'judge', 'subjective'],
    ['The SMS is polite', 'judge', 'subjective'],
    ['The copy is friendly', 'judge', 'subjective'],
    ['The code is well-structured', 'judge', 'subjective'],
    ['The template is readable', 'judge', 'subjective'],
    ['The tone is professional', 'judge', 'subjective'],
    // vague implementation claims, unless a number is given
    ['Error handling exists', 'judge', 'vague-implementation'],
    ['The app correctly handles declined cards', 'judge', 'vague-implementation'],
    ['Retry logic is implemented', 'judge', 'vague-implementation'],
    ['The app correctly handles 3 declined cards', 'check', 'number'],
    // multi-condition: the soft half wins
    ['Exactly 1 email was sent and the code is well-structured', 'judge', 'subjective'],
    ['The `from` is `hello@mail.acme.com` and the subject is clear', 'judge', 'subjective'],
    // nothing to anchor a check on
    ['The customer feels taken care of', 'judge', 'default'],
    ['', 'judge', 'default'],
  ] as const)('%s → %s (%s)', (text, tag, rule) => {
    const inference = inferTag(text);
    expect(inference.tag).toBe(tag);
    expect(inference.rule).toBe(rule);
    expect(inference.reason).toBeTruthy();
  });

  test('the reason quotes what decided', () => {
    expect(inferTag('The error message is clear').reason).toContain('"clear"');
    expect(inferTag('Exactly 3 emails were sent').reason).toContain('3');
  });

  test('words that merely contain a signal do not match', () => {
    expect(inferTag('Uses OAuth2 for the API').rule).toBe('default');
    expect(inferTag('It clears the cart').rule).toBe('default');
    expect(inferTag('The webhook handler exists').rule).toBe('default');
  });

  test('is fast on huge and adversarial text', () => {
    const texts = ['a'.repeat(1_000_000), `${'a_'.repeat(200_000)}x`, `${'1.'.repeat(200_000)}x`, `${'was '.repeat(100_000)}`, '`'.repeat(500_000)];
    const started = performance.now();
    for (const text of texts) inferTag(text);
    expect(performance.now() - started).toBeLessThan(500);
  });
});
