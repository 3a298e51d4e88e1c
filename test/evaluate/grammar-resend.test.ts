/**
 * The check grammar over captures of a REAL Resend mirror (HTTP traffic, settle, signature
 * probe): counts (created vs seeded rows), properties, status, webhooks, signatures, errors.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { evaluateCheck } from '../../src/evaluate/index.js';
import type { RunCapture } from '../../src/evaluate/types.js';
import { captureRun, startHost, startReceiver, svixVerifies, welcomeEmail, WELCOME_DOMAIN, type Host, type Receiver } from './helpers.js';

let h: Host;
let rcv: Receiver;
let rcvSecret = '';

let failing: Receiver;
/** transactional-busy (100 seeded emails) + endpoint + one welcome email; probe refused (401). */
let busy: RunCapture;
/** welcome-domain, two emails created (alice, bob). */
let two: RunCapture;
/** welcome-domain, no endpoint, one email to bounced@resend.dev. */
let bounced: RunCapture;
/** welcome-domain, endpoint answering 500 to everything (probe accepted? no: 500 = refused). */
let broken: RunCapture;
let busyEmail: string;
let twoIds: string[];
let bouncedId: string;

beforeAll(async () => {
  h = await startHost();
  // A handler that verifies Svix signatures with the endpoint's signing secret.
  rcv = await startReceiver((body, headers) => (svixVerifies(rcvSecret, body, headers) ? 200 : 401));
  failing = await startReceiver(() => 500);
  busy = await captureRun(
    h,
    { fixture: 'transactional-busy' },
    async (s) => {
      rcvSecret = (await s.call('POST', '/webhooks', { endpoint: rcv.url, events: ['email.sent', 'email.delivered'] })).body.signing_secret;
      const r = await s.call('POST', '/emails', welcomeEmail());
      expect(r.status).toBe(200);
      busyEmail = r.body.id;
    },
    { probe: true },
  );
  two = await captureRun(h, WELCOME_DOMAIN, async (s) => {
    twoIds = [];
    for (const to of ['alice@example.com', 'bob@example.com']) twoIds.push((await s.call('POST', '/emails', welcomeEmail(to))).body.id);
  });
  bounced = await captureRun(
    h,
    WELCOME_DOMAIN,
    async (s) => {
      bouncedId = (await s.call('POST', '/emails', welcomeEmail('bounced@resend.dev'))).body.id;
    },
    { probe: true },
  );
  broken = await captureRun(
    h,
    WELCOME_DOMAIN,
    async (s) => {
      await s.call('POST', '/webhooks', { endpoint: failing.url, events: ['email.delivered'] });
      await s.call('POST', '/emails', welcomeEmail());
    },
    { probe: true },
  );
});

afterAll(async () => {
  await rcv.close();
  await failing.close();
  await h.close();
});

describe('counts: created during the run vs every row', () => {
  test('a seed of 100 emails: "Exactly 1 email is created" counts only the new one', () => {
    expect(busy.mirrors.resend.before.emails).toHaveLength(100);
    expect(evaluateCheck('Exactly 1 email is created in the Resend mirror', busy)).toEqual({
      status: 'pass',
      pattern: 'count',
      message: `found 1 email created in the Resend mirror (expected exactly 1): ${busyEmail}`,
      expected: undefined,
      found: undefined,
    } as never);
  });

  test('exist(s) / there are / in total count every row after the run', () => {
    expect(evaluateCheck('Exactly 101 emails exist in the Resend mirror', busy).status).toBe('pass');
    expect(evaluateCheck('There are 101 emails', busy).status).toBe('pass');
    expect(evaluateCheck('Exactly 1 email was sent in total', busy).message).toMatch(/^expected exactly 1 email in the Resend mirror, found 101: /);
    expect(evaluateCheck('At least 100 emails remain', busy).status).toBe('pass');
  });

  test('two emails created: the failure names both ids', () => {
    const out = evaluateCheck('Exactly 1 email is created in the Resend mirror', two);
    expect(out).toMatchObject({
      status: 'fail',
      pattern: 'count',
      message: `expected exactly 1 email created in the Resend mirror, found 2: ${twoIds[0]}, ${twoIds[1]}`,
      expected: { op: 'eq', count: 1 },
      found: { count: 2, ids: twoIds },
    });
  });

  test.each([
    ['Exactly 2 emails were sent', 'pass'],
    ['At least 2 emails were sent', 'pass'],
    ['At most 1 email was sent', 'fail'],
    ['Fewer than 3 emails were sent', 'pass'],
    ['More than 2 emails were sent', 'fail'],
    ['Two emails were sent', 'pass'],
    ['Exactly two emails were created', 'pass'],
    ['No more than 2 emails were sent', 'pass'],
    ['2 or more emails were sent', 'pass'],
    ['exactly 2 EMAILS were SENT.', 'pass'],
    ['Exactly 1 email was sent to `alice@example.com`', 'pass'],
    ['Exactly 1 email was sent to "bob@example.com" with subject "Welcome to Acme"', 'pass'],
    ['No emails were sent to `carol@example.com`', 'pass'],
    ['Exactly 2 emails with status `delivered` were created', 'pass'],
    ['Exactly 2 emails from `hello@mail.acme.com` were sent', 'pass'],
    ['Exactly 2 emails were delivered', 'pass'],
    ['No emails bounced', 'pass'],
    ['Exactly 1 domain exists', 'pass'],
    ['No domains were added', 'pass'],
    ['A domain `mail.acme.com` exists', 'pass'],
    ['A domain `mail.other.com` exists', 'fail'],
  ])('%s → %s', (text, status) => {
    expect(evaluateCheck(text, two).status).toBe(status);
  });

  test('a filter that matches nothing says so', () => {
    expect(evaluateCheck('Exactly 1 email was sent to `carol@example.com`', two).message).toBe(
      'expected exactly 1 email to `carol@example.com` sent in the Resend mirror, found 0',
    );
  });

  test('rows that existed before the run are not "created", and the message says they were there', () => {
    const out = evaluateCheck('A domain `mail.acme.com` was added', two);
    expect(out.status).toBe('fail');
    expect(out.message).toBe(
      'expected at least 1 domain `mail.acme.com` added in the Resend mirror, found 0 (1 matching domain existed before the run: d91cd9bd-1176-453e-8fc1-35364d380206)',
    );
  });

  test('a status verb counts rows whose status reached it during the run', () => {
    expect(evaluateCheck('Exactly 1 email bounced', bounced)).toMatchObject({ status: 'pass', message: `found 1 email bounced in the Resend mirror (expected exactly 1): ${bouncedId}` });
    // The 100 seeded emails include delivered ones; none was delivered during this run except ours.
    expect(evaluateCheck('Exactly 1 email was delivered', busy).status).toBe('pass');
  });

  test('existence of a webhook endpoint by event type', () => {
    expect(evaluateCheck('A webhook endpoint for `email.delivered` was registered', busy).status).toBe('pass');
    expect(evaluateCheck('A webhook endpoint for `email.bounced` was registered', busy).message).toBe(
      'expected at least 1 webhook for `email.bounced` registered in the Resend mirror, found 0',
    );
    expect(evaluateCheck('No webhook endpoints were registered', bounced).status).toBe('pass');
  });
});

describe('properties of the row the run created', () => {
  test.each([
    ["The email's `from` address is `hello@mail.acme.com`", 'pass'],
    ["The email's `from` is `Acme <hello@mail.acme.com>`", 'pass'],
    ["The email's `to` includes `alice@example.com`", 'pass'],
    ["The email's subject contains `Welcome`", 'pass'],
    ["The email's subject is `Welcome to Acme`", 'pass'],
    ['`subject` matches `/welcome/i`', 'pass'],
    ['The subject of the email starts with "Welcome"', 'pass'],
    ['The email status is `delivered`', 'pass'],
    ['The email was delivered', 'pass'],
    ['The email was sent', 'pass'],
    ["The email's subject does not contain `invoice`", 'pass'],
    ["The email's `reply-to` is `null`", 'pass'],
  ])('%s → %s', (text, status) => {
    expect(evaluateCheck(text, busy).status).toBe(status);
  });

  test('a property mismatch says what was expected and found, with the row id', () => {
    expect(evaluateCheck("The email's `from` address is `billing@mail.acme.com`", busy)).toMatchObject({
      status: 'fail',
      pattern: 'property',
      message: `expected the email's \`from\` to be \`billing@mail.acme.com\`, found \`Acme <hello@mail.acme.com>\` (email ${busyEmail}, created during the run)`,
    });
    expect(evaluateCheck("The email's `to` includes `bob@example.com`", busy).message).toBe(
      `expected the email's \`to\` to include \`bob@example.com\`, found \`["alice@example.com"]\` (email ${busyEmail}, created during the run)`,
    );
    expect(evaluateCheck('`subject` matches `/^invoice/`', busy).message).toBe(
      `expected the email's \`subject\` to match \`/^invoice/\`, found \`Welcome to Acme\` (email ${busyEmail}, created during the run)`,
    );
  });

  test('several rows created: the property check refuses to guess', () => {
    expect(evaluateCheck("The email's subject contains `Welcome`", two).message).toBe(
      `expected one email to check, but the run created 2 emails: ${twoIds[0]}, ${twoIds[1]}; name the one you mean (e.g. "the email to \`…\`")`,
    );
    // … and a qualifier picks one.
    expect(evaluateCheck('The email to `bob@example.com` was delivered', two).status).toBe('pass');
  });

  test('status: reached during the run vs is now', () => {
    expect(evaluateCheck('The email was delivered', bounced)).toMatchObject({
      status: 'fail',
      pattern: 'status',
      message: `expected the email to have been delivered during the run, but its \`last_event\` is \`bounced\` (email ${bouncedId}, created during the run; history: queued → sent → bounced)`,
    });
    expect(evaluateCheck('The email status is `delivered`', bounced).message).toBe(
      `expected the email's \`status\` to be \`delivered\`, found \`bounced\` (email ${bouncedId}, created during the run)`,
    );
    expect(evaluateCheck('The email was bounced', bounced).status).toBe('pass');
  });

  test('no row created: the only row, else the most recent', () => {
    // welcome-domain has one seeded domain and the run created none.
    expect(evaluateCheck('The domain is verified', two)).toMatchObject({
      status: 'pass',
      message: 'the domain is verified (domain d91cd9bd-1176-453e-8fc1-35364d380206, the only one; status: verified)',
    });
    expect(evaluateCheck("The domain's name is `mail.acme.com`", two).status).toBe('pass');
  });
});

describe('webhooks, signatures, errors', () => {
  test('received = delivered with a 2xx', () => {
    expect(evaluateCheck('At least 1 `email.delivered` webhook was received by the handler', busy).status).toBe('pass');
    expect(evaluateCheck('A `email.sent` webhook was received', busy).status).toBe('pass');
    expect(evaluateCheck('Exactly 2 webhooks were delivered', busy).status).toBe('pass');
    expect(evaluateCheck('No webhook deliveries failed', busy).status).toBe('pass');
    const out = evaluateCheck('At least 1 `email.delivered` webhook was received by the handler', broken);
    expect(out.status).toBe('fail');
    expect(out.message).toBe(
      'expected at least 1 `email.delivered` webhook received by the handler, found 0 (attempts in the run: `email.delivered` → 500, `email.delivered` → 500, `email.delivered` → 500, `email.delivered` → 500)',
    );
  });

  test('failed deliveries are listed attempt by attempt', () => {
    const out = evaluateCheck('No webhook deliveries failed', broken);
    expect(out.status).toBe('fail');
    const attempts = [1, 2, 3, 4].map((n) => `\`email.delivered\` to ${failing.url} → 500 (attempt ${n})`).join(', ');
    expect(out.message).toBe(`expected no webhook deliveries failed, found 1: ${attempts}`);
  });

  test('signature verification: pass when every forged delivery was refused', () => {
    expect(evaluateCheck('The webhook signature was verified', busy)).toMatchObject({
      status: 'pass',
      message: `the handler rejected deliveries with a forged signature: ${rcv.url} → 401`,
    });
    expect(evaluateCheck('Webhook signatures are verified', busy).status).toBe('pass');
    expect(evaluateCheck('No signature failures', busy).status).toBe('pass');
  });

  test('signature verification: a handler that refuses everything proves nothing', () => {
    const out = evaluateCheck('The webhook signature was verified', broken);
    expect(out.status).toBe('fail');
    expect(out.message).toBe(
      `expected the webhook signature to be verified, but the handler refused correctly signed deliveries too, so refusing the forged one proves nothing: ${failing.url} accepted none of 4 signed attempts`,
    );
  });

  test('signature verification: no endpoint registered means no probe, and a failure saying so', () => {
    expect(evaluateCheck('The webhook signature was verified', bounced).message).toBe(
      'expected the webhook signature to be verified, but no webhook endpoint was registered in the Resend mirror, so there was nothing to probe',
    );
  });

  test("compound with a pronoun: the spec's 'was received and its signature was verified'", () => {
    expect(evaluateCheck('A `email.delivered` webhook was received and its signature was verified', busy)).toMatchObject({
      status: 'pass',
      pattern: 'compound(webhook + signature)',
    });
  });

  test('compound: received and signature-verified', () => {
    expect(evaluateCheck('The `email.delivered` webhook was received and signature-verified', busy)).toMatchObject({
      status: 'pass',
      pattern: 'compound(webhook + signature)',
    });
    const out = evaluateCheck('The `email.delivered` webhook was received and signature-verified', bounced);
    expect(out.status).toBe('fail');
    expect(out.message).toBe(
      'expected at least 1 `email.delivered` webhook received by the handler, found 0 (no webhook attempts in the run in the Resend mirror); expected the webhook signature to be verified, but no webhook endpoint was registered in the Resend mirror, so there was nothing to probe',
    );
  });

  test('errors: failed webhook attempts are error entries in the trace', () => {
    expect(evaluateCheck('No errors were logged', busy)).toEqual({ status: 'pass', pattern: 'errors', message: 'no errors were logged' });
    const out = evaluateCheck('No errors were logged', broken);
    expect(out.status).toBe('fail');
    expect(out.message).toMatch(new RegExp(`^expected no errors, found 4: \\[Resend\\] webhook \`email.delivered\` to ${failing.url.replace(/[.]/g, '\\.')} → 500 \\(trace #\\d+\\)`));
  });
});
