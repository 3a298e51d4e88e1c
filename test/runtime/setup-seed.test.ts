import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Resend } from 'resend';
import { MirraClient } from '../../src/client/index.js';
import { scenarioSeeds } from '../../src/runtime/seeds.js';
import { setupSeeds } from '../../src/runtime/setup-seed.js';
import { parseScenario } from '../../src/scenario/index.js';
import { startServer, type MirraServer } from '../../src/server/index.js';

const scenario = (setup: string, config = 'mirrors: resend') =>
  parseScenario(`# S\n\n## Setup\n${setup}\n\n## Success Criteria\n- Exactly 1 email is created in the Resend mirror\n\n## Config\n${config}\n`);

describe('seeds read from ## Setup', () => {
  test('the spec welcome scenario: one verified domain', () => {
    const seeds = setupSeeds(scenario('A Resend account with one verified domain `mail.acme.com`.'), {});
    expect(seeds).toEqual({
      resend: {
        data: {
          mirror: 'resend',
          name: 'from-setup',
          description: 'Read from ## Setup',
          records: { domains: [{ id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/), name: 'mail.acme.com', status: 'verified', region: 'us-east-1' }] },
        },
      },
    });
  });

  test('status follows the sentence; addresses and URLs are not domains; ids are stable', () => {
    const text = 'The domain `mail.acme.com` is verified. `news.acme.com` is not verified yet. `old.acme.com` failed verification. `new.acme.com` is pending. Users write to `help@acme.com` and visit `https://acme.com/x`.';
    const first = setupSeeds(scenario(text), {}) as { resend: { data: { records: { domains: { id: string; name: string; status: string }[] } } } };
    expect(first.resend.data.records.domains.map((d) => [d.name, d.status])).toEqual([
      ['mail.acme.com', 'verified'],
      ['news.acme.com', 'not_started'],
      ['old.acme.com', 'failed'],
      ['new.acme.com', 'pending'],
    ]);
    expect(setupSeeds(scenario(text), {})).toEqual(first);
  });

  test('Twilio sender numbers; an explicit fixture wins; no facts → no seed', () => {
    const twilio = setupSeeds(scenario('We send from the number `+15555550123`. Customers have `+15555550100`.', 'mirrors: twilio'), {});
    expect(twilio).toMatchObject({ twilio: { data: { records: { incoming_phone_numbers: [{ phone_number: '+15555550123' }] } } } });
    expect(setupSeeds(scenario('Domain `mail.acme.com` is verified.', 'mirrors: resend\nfixture: resend:empty'), { resend: 'empty' })).toEqual({});
    expect(setupSeeds(scenario('An account with nothing special.'), {})).toEqual({});
  });

  test('scenarioSeeds: fixture wins over Setup', async () => {
    const withFixture = scenario('Domain `mail.acme.com` is verified.', 'mirrors: resend\nfixture: resend:transactional-busy');
    expect(await scenarioSeeds(withFixture, '/tmp/s.scenario.md')).toEqual({ resend: 'transactional-busy' });
  });
});

describe('a session seeded from Setup, through the real Resend mirror', () => {
  let server: MirraServer;
  let client: MirraClient;
  beforeAll(async () => {
    server = await startServer({ log: () => {} });
    client = new MirraClient({ baseUrl: server.url, token: server.token });
  });
  afterAll(async () => {
    await client.close();
    await server.close();
  });

  test('sending from the verified domain succeeds; from the unverified one Resend answers 403', async () => {
    const s = scenario('A Resend account with one verified domain `mail.acme.com` and an unverified domain `news.acme.com`.');
    const session = await client.createSession({ mirrors: ['resend'], seeds: await scenarioSeeds(s, '/tmp/s.scenario.md') });
    const { url, apiKey } = session.mirrors[0]!;
    const resend = new Resend(apiKey, { baseUrl: url });
    const ok = await resend.emails.send({ from: 'hello@mail.acme.com', to: 'alice@example.com', subject: 'Welcome to Acme', html: '<p>hi</p>' });
    expect(ok.error).toBeNull();
    const refused = await resend.emails.send({ from: 'news@news.acme.com', to: 'alice@example.com', subject: 'News', html: '<p>hi</p>' });
    expect(refused.error).toEqual({ name: 'validation_error', statusCode: 403, message: 'The news.acme.com domain is not verified. Please, add and verify your domain on https://resend.com/domains' });
    await client.deleteSession(session.sessionId);
  });
});
