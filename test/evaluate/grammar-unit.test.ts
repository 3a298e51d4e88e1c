/** Pure grammar matching over synthetic captures; unmatched → snippet; defineCheck. */
import { describe, expect, test } from 'vitest';
import { createCheckRegistry, defaultCheckRegistry, defineCheck, defineCheckSnippet, evaluateCheck, compileExpression, matchExpression } from '../../src/evaluate/index.js';
import { syntheticCapture } from './helpers.js';

const email = (id: string, extra: Record<string, unknown> = {}) => ({ id, from: 'hello@mail.acme.com', to: ['alice@example.com'], subject: 'Hi', last_event: 'sent', created_at: '2026-01-01 00:00:00+00', ...extra });

describe('quantifiers and nouns', () => {
  const cap = syntheticCapture({ before: { emails: [] }, after: { emails: [email('em_1'), email('em_2'), email('em_3')] } });
  test.each([
    ['Exactly three emails were created', 'pass'],
    ['At most 3 emails were created', 'pass'],
    ['Fewer than 3 emails were created', 'fail'],
    ['More than 2 emails were created', 'pass'],
    ['No emails were created', 'fail'],
    ['3 messages were sent', 'pass'],
    ['Exactly 3 Resend emails were created', 'pass'],
    ['There are exactly 3 emails in the Resend mirror', 'pass'],
  ])('%s → %s', (text, status) => {
    expect(evaluateCheck(text, cap).status).toBe(status);
  });

  test('"No emails were sent" lists what was found', () => {
    expect(evaluateCheck('No emails were sent', cap).message).toBe('expected no emails sent in the Resend mirror, found 3: em_1, em_2, em_3');
  });

  test('a mirror that is not part of the run', () => {
    expect(evaluateCheck('Exactly 1 email is created in the Stripe mirror', cap)).toMatchObject({
      status: 'fail',
      message: 'the Stripe mirror is not part of this run (mirrors: Resend)',
    });
  });

  test('a noun shared by two mirrors without a vendor is ambiguous', () => {
    const twoMirrors = syntheticCapture({ after: { emails: [] } });
    twoMirrors.mirrors.other = { ...twoMirrors.mirrors.resend, vendor: 'other', displayName: 'Other' };
    expect(evaluateCheck('Exactly 1 email is created', twoMirrors).message).toBe(
      '"email" names a noun of several mirrors (Resend, Other); say which one, e.g. "in the Resend mirror"',
    );
    expect(evaluateCheck('No emails were created in the Other mirror', twoMirrors).status).toBe('pass');
  });

  test('nouns not in the vocabulary come from state tables', () => {
    const stripe = syntheticCapture({ vendor: 'stripe', displayName: 'Stripe', vocabulary: {}, before: { refunds: [] }, after: { refunds: [{ id: 're_1', amount: 4500, payment_intent: 'pi_abc' }] } });
    expect(evaluateCheck('Exactly 1 refund is created on payment_intent `pi_abc`', stripe).status).toBe('pass');
    expect(evaluateCheck('Exactly 1 refund exists for `pi_abc`', stripe).status).toBe('pass');
    expect(evaluateCheck('The refund amount is 4500 (in cents)', stripe)).toMatchObject({
      status: 'pass',
      message: "the refund's `amount` is `4500` (refund re_1, created during the run)",
    });
    expect(evaluateCheck('The refund amount is 4000 (in cents)', stripe).message).toBe(
      "expected the refund's `amount` to be 4000, found `4500` (refund re_1, created during the run)",
    );
  });

  test('property with no row at all', () => {
    expect(evaluateCheck("The email's subject is `Hi`", syntheticCapture()).message).toBe('expected a email in the Resend mirror, found none');
  });

  test('most recent row when none was created', () => {
    const seeded = [email('em_old', { created_at: '2026-01-01 00:00:00+00' }), email('em_new', { created_at: '2026-01-02 00:00:00+00', subject: 'Newest' }), email('em_mid', { created_at: '2026-01-01 12:00:00+00' })];
    const c = syntheticCapture({ before: { emails: seeded }, after: { emails: seeded } });
    expect(evaluateCheck("The email's subject is `Newest`", c).message).toBe("the email's `subject` is `Newest` (email em_new, the most recent of 3)");
  });
});

describe('errors', () => {
  test('trace errors, driver error logs, a thrown driver and a timeout are all listed', () => {
    const cap = syntheticCapture(
      { trace: [{ id: 7, at: '2026-01-01T00:00:00.000Z', kind: 'request', level: 'error', data: { method: 'POST', path: '/emails', status: 500 } }] },
      { logs: [{ level: 'error', message: 'boom', at: '2026-01-01T00:00:00.000Z' }, { level: 'warn', message: 'meh', at: '2026-01-01T00:00:00.000Z' }], error: { message: 'driver crashed' }, timedOut: true },
    );
    expect(evaluateCheck('No errors were logged', cap).message).toBe(
      'expected no errors, found 4: [Resend] POST /emails → 500 (trace #7), [driver] boom, [driver] threw: driver crashed, [run] timed out after 60s',
    );
    expect(evaluateCheck('no errors', syntheticCapture()).status).toBe('pass');
    expect(evaluateCheck('There were no errors', syntheticCapture()).status).toBe('pass');
  });
});

describe('unmatched → a defineCheck snippet', () => {
  test('numbers become {int}/{float}, quoted values {string}, special characters are escaped', () => {
    const out = evaluateCheck('The retry backoff is 2.5 seconds for `email.sent` (at most 3 tries) and/or less', syntheticCapture());
    expect(out.status).toBe('unmatched');
    if (out.status !== 'unmatched') return;
    expect(out.snippet).toBe(
      [
        "defineCheck('The retry backoff is {float} seconds for {string} \\\\(at most {int} tries\\\\) and\\\\/or less', ({ rows, created, webhooks }, amount, value, count) => {",
        '  // Return true/false or { pass, message }; a thrown error fails the check.',
        "  throw new Error('TODO: implement this check');",
        '});',
      ].join('\n'),
    );
    expect(out.message).toBe(`no check pattern matches "The retry backoff is 2.5 seconds for \`email.sent\` (at most 3 tries) and/or less"; define one with defineCheck:\n${out.snippet}`);
  });

  test('the snippet, pasted, matches the criterion', () => {
    const text = "The customer's note is `VIP` with 2 flags";
    const snippet = defineCheckSnippet(text);
    const expression = /defineCheck\('((?:[^'\\]|\\.)*)'/.exec(snippet)![1].replace(/\\(.)/g, '$1');
    expect(expression).toBe("The customer's note is {string} with {int} flags");
    expect(matchExpression(compileExpression(expression), text)).toEqual(['VIP', 2]);
  });
});

describe('defineCheck', () => {
  const cap = syntheticCapture({ vendor: 'stripe', displayName: 'Stripe', vocabulary: {}, before: { refunds: [] }, after: { refunds: [{ id: 're_1', amount: 4500, payment_intent: 'pi_abc' }] } });

  test('each parameter type converts', () => {
    const registry = createCheckRegistry();
    const seen: unknown[][] = [];
    registry.define('The {word} has {int} items costing {float} named {string} and {}', (_ctx, ...args) => {
      seen.push(args);
      return true;
    });
    expect(evaluateCheck('The basket has 3 items costing 9.99 named `Summer` and whatever else.', cap, { registry }).status).toBe('pass');
    expect(evaluateCheck("the basket HAS -2 items costing .5 named 'x y' and z", cap, { registry }).status).toBe('pass');
    expect(evaluateCheck('The basket has 3 items costing 1 named "q" and more', cap, { registry }).status).toBe('pass');
    expect(seen).toEqual([
      ['basket', 3, 9.99, 'Summer', 'whatever else'],
      ['basket', -2, 0.5, 'x y', 'z'],
      ['basket', 3, 1, 'q', 'more'],
    ]);
  });

  test('optional text and alternatives', () => {
    const c = compileExpression('Exactly {int} refund(s) exist(s)/is/are for {string}');
    expect(matchExpression(c, 'Exactly 1 refund exists for `pi_abc`')).toEqual([1, 'pi_abc']);
    expect(matchExpression(c, 'Exactly 2 refunds are for "pi_abc"')).toEqual([2, 'pi_abc']);
    expect(matchExpression(c, 'Exactly 2 refunds were for "pi_abc"')).toBeUndefined();
    expect(() => compileExpression('bad {number}')).toThrow("Unknown parameter type {number} in check expression 'bad {number}'; use {int}, {float}, {string}, {word} or {}");
  });

  test('user patterns win over the built-ins, with a context over the capture', () => {
    const registry = createCheckRegistry();
    registry.define('Exactly {int} refund(s) exist(s) for {string}', ({ rows, created, state, mirror, webhooks }, count, id) => {
      expect(mirror?.vendor).toBe('stripe');
      expect(state().refunds).toHaveLength(1);
      expect(created('refunds')).toHaveLength(1);
      expect(rows('stripe', 'refunds')).toHaveLength(1);
      expect(webhooks).toEqual([]);
      const n = rows('refund').filter((r) => r.payment_intent === id).length;
      return n === count ? { pass: true, message: `found ${n}` } : { pass: false, message: `expected ${count} refunds for ${id}, found ${n}` };
    });
    expect(evaluateCheck('Exactly 1 refund exists for `pi_abc`', cap, { registry })).toEqual({ status: 'pass', pattern: 'defineCheck: Exactly {int} refund(s) exist(s) for {string}', message: 'found 1' });
    expect(evaluateCheck('Exactly 2 refunds exist for `pi_abc`', cap, { registry })).toEqual({
      status: 'fail',
      pattern: 'defineCheck: Exactly {int} refund(s) exist(s) for {string}',
      message: 'expected 2 refunds for pi_abc, found 1',
    });
  });

  test('return values: false, void, a throw, a Promise, a bad entity', () => {
    const registry = createCheckRegistry();
    registry.define('returns false', () => false);
    registry.define('returns nothing', () => undefined);
    registry.define('throws', () => {
      throw new Error('custom failure');
    });
    registry.define('is async', (async () => true) as never);
    registry.define('reads a bad entity', ({ rows }) => rows('charges').length > 0);
    expect(evaluateCheck('returns false', cap, { registry }).message).toBe("the check for 'returns false' returned false");
    expect(evaluateCheck('returns nothing', cap, { registry }).status).toBe('pass');
    expect(evaluateCheck('throws', cap, { registry })).toMatchObject({ status: 'fail', message: 'custom failure' });
    expect(evaluateCheck('is async', cap, { registry }).message).toBe(
      "the check for 'is async' returned a Promise; defineCheck functions are synchronous (read everything from the capture)",
    );
    expect(evaluateCheck('reads a bad entity', cap, { registry }).message).toBe("no mirror in this run has an entity or noun 'charges' (stripe: refunds)");
  });

  test('defineCheck writes to the default registry used when none is given', () => {
    defineCheck('The default registry knows {string}', (_ctx, v) => v === 'me');
    try {
      expect(evaluateCheck('The default registry knows `me`', cap).status).toBe('pass');
      expect(evaluateCheck('The default registry knows `you`', cap).status).toBe('fail');
    } finally {
      defaultCheckRegistry.clear();
    }
  });

  test('a compound of a user check and a built-in', () => {
    const registry = createCheckRegistry();
    registry.define('the refund is fine', () => true);
    expect(evaluateCheck('the refund is fine and exactly 1 refund was created', cap, { registry })).toMatchObject({ status: 'pass', pattern: 'compound(defineCheck: the refund is fine + count)' });
    expect(evaluateCheck('the refund is fine and no refunds were created', cap, { registry })).toMatchObject({
      status: 'fail',
      message: 'expected no refunds created in the Stripe mirror, found 1: re_1',
    });
  });
});
