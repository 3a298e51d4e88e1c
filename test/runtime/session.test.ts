import { afterAll, beforeAll, expect, test } from 'vitest';
import { MirraApiError, MirraClient } from '../../src/client/index.js';
import { openScenarioSession, scenarioSessionSpec } from '../../src/runtime/session.js';
import { parseScenario } from '../../src/scenario/index.js';
import { startServer, type MirraServer } from '../../src/server/index.js';

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

const refund = (pin: string) =>
  parseScenario(`# Refund\n\n## Success Criteria\n- Exactly 1 refund is created on payment_intent \`pi_abc\`\n\n## Config\nmirrors: stripe\nfixture: subscription-lifecycle\nmirror-version: ${pin}\n`);

test("mirror-version pins the session's mirror version (the spec's stripe@0.7.3)", async () => {
  const spec = await scenarioSessionSpec(refund('stripe@0.7.3'), '/tmp/refund.md');
  expect(spec).toEqual({ mirrors: ['stripe'], seeds: { stripe: 'subscription-lifecycle' }, versions: { stripe: '0.7.3' } });
  const session = await openScenarioSession(client, spec);
  expect(session.mirrors.map((m) => [m.vendor, m.version])).toEqual([['stripe', '0.7.3']]);
  await client.deleteSession(session.sessionId);
});

test('a version this control plane does not have is a provisioning error', async () => {
  const spec = await scenarioSessionSpec(refund('stripe@9.9.9'), '/tmp/refund.md');
  const error = await openScenarioSession(client, spec).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(MirraApiError);
  expect(error).toMatchObject({ status: 400, code: 'mirra.session.unsupported_mirror_version' });
});
