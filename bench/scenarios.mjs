// `npm run bench` (second half): what the Vitest integration costs.
//  1. Harness overhead of the 3-run welcome-email scenario: wall time of the Vitest run
//     minus the driver's own work (measured inside the driver), and an empty Vitest run
//     as the floor.
//  2. 50 scenario files vs 50 hand-written `.test.ts` files doing the same driver work and
//     the same checks, each through Vitest with the embedded control plane.
// Generated projects live in bench/.work/ (git-ignored). Loopback only, bounded.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createVitest } from 'vitest/node';

const FILES = Number(process.env.BENCH_FILES ?? 50);
const here = path.dirname(fileURLToPath(import.meta.url));
const work = path.join(here, '.work');
const app = path.relative(work, path.join(here, '../examples/welcome-email/src/app.ts')).replaceAll(path.sep, '/');

const criteria = `- Exactly 1 email is created in the Resend mirror
- The email's \`from\` address is \`hello@mail.acme.com\`
- The email's \`to\` includes \`alice@example.com\`
- At least 1 \`email.delivered\` webhook was received by the handler
- The webhook signature was verified`;

const scenario = (title, runs) => `# ${title}

## Prompt
Sign up \`alice@example.com\` and send the welcome email.

## Success Criteria
${criteria}

## Config
mirrors: resend
fixture: resend:transactional-busy
runs: ${runs}
`;

/** The driver work both variants do: start the app, register its webhook, sign Alice up. */
const driverWork = `import { appendFileSync } from 'node:fs';
import { Resend } from 'resend';
import { startApp } from '../${app}';

export async function signUpAlice(url, apiKey) {
  const t0 = performance.now();
  const app = await startApp({ resendApiKey: apiKey, resendBaseUrl: url });
  const resend = new Resend(apiKey, { baseUrl: url });
  const { data } = await resend.webhooks.create({ endpoint: app.url + '/webhooks/resend', events: ['email.sent', 'email.delivered'] });
  app.setWebhookSecret(data.signing_secret);
  const res = await fetch(app.url + '/signup', { method: 'POST', body: JSON.stringify({ email: 'alice@example.com' }) });
  const body = await res.json();
  appendFileSync(process.env.BENCH_TIMINGS, (performance.now() - t0) + '\\n');
  return { app, body };
}
`;

function project(name, files) {
  const dir = path.join(work, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
  return dir;
}

async function runVitest(root, env = {}) {
  const timings = path.join(root, 'timings.txt');
  writeFileSync(timings, '');
  Object.assign(process.env, { BENCH_TIMINGS: timings, ...env });
  delete process.env.ANTHROPIC_API_KEY;
  delete process.env.OPENAI_API_KEY;
  const t0 = performance.now();
  const vitest = await createVitest('test', { root, config: path.join(root, 'vitest.config.mjs'), watch: false, reporters: [{}] });
  await vitest.start();
  const tests = [...vitest.state.getTestModules()].flatMap((m) => [...m.children.allTests()]);
  await vitest.close();
  const wall = performance.now() - t0;
  const failed = tests.filter((t) => t.result().state === 'failed');
  if (failed.length) throw new Error(`${failed.length} failed in ${root}: ${failed[0].fullName}: ${failed[0].result().errors?.[0]?.message}`);
  const driverMs = readFileSync(timings, 'utf8').split('\n').filter(Boolean).map(Number);
  // Each scenario run's own duration (session reset, driver, settle, probe, capture), by run index.
  const runMs = new Map();
  for (const t of tests) {
    const meta = t.meta();
    if (meta.mirra && meta.mirraRun) runMs.set(meta.mirra.run, meta.mirraRun.durationMs);
  }
  return { wall, tests: tests.length, driverMs: driverMs.reduce((a, b) => a + b, 0), perDrive: driverMs, runMs: [...runMs.entries()].sort((a, b) => a[0] - b[0]).map(([, d]) => d) };
}

const scenarioConfig = `import { defineConfig } from 'vitest/config';
import { withMirra } from 'mirra/vitest';
export default defineConfig(withMirra({ quiet: true, judge: false, cache: false, resultFile: false, driver: './driver.mjs' }));
`;
const driverModule = `import { defineDriver } from 'mirra/vitest';
import { signUpAlice } from './work.mjs';
export default defineDriver(async ({ mirrors }) => {
  const { app, body } = await signUpAlice(mirrors.resend.url, mirrors.resend.apiKey);
  return { output: body, cleanup: () => app.close() };
});
`;

const handwrittenTest = (i) => `import { expect, test } from 'vitest';
import { useMirraSession, waitForWebhook } from 'mirra/vitest';
import { signUpAlice } from './work.mjs';

test('welcome email ${i}', async () => {
  const session = useMirraSession();
  const admin = session.admin('resend');
  const before = (await admin.state()).emails.map((e) => e.id);
  const { app, body } = await signUpAlice(process.env.RESEND_BASE_URL, process.env.RESEND_API_KEY);
  try {
    await admin.settle();
    const created = (await admin.state()).emails.filter((e) => !before.includes(e.id));
    expect(created).toHaveLength(1);
    expect(created[0].from).toContain('hello@mail.acme.com');
    expect(created[0].to).toContain('alice@example.com');
    await waitForWebhook({ mirror: 'resend', type: 'email.delivered' });
    expect(app.deliveries.get(body.emailId).status).toBe('delivered');
    expect((await admin.probe()).verified).toBe(true);
  } finally {
    await app.close();
  }
});
`;
const handwrittenConfig = `import { defineConfig } from 'vitest/config';
import { withMirra } from 'mirra/vitest';
export default defineConfig(withMirra({ mirrors: ['resend'], seeds: { resend: 'transactional-busy' }, resetBetweenTests: true, resetBetweenFiles: true, quiet: true, judge: false, resultFile: false, scenarios: false }));
`;

const ms = (x) => `${x.toFixed(0)} ms`;
console.log(`\nmirra Vitest integration bench — node ${process.version}\n`);

// 0. The floor: Vitest itself on one trivial test.
const empty = project('empty', {
  'vitest.config.mjs': `import { defineConfig } from 'vitest/config';\nexport default defineConfig({});\n`,
  'a.test.mjs': `import { test } from 'vitest';\ntest('nothing', () => {});\n`,
});
const floor = await runVitest(empty);

// 1. One scenario, 3 runs.
const one = project('welcome-3-runs', { 'vitest.config.mjs': scenarioConfig, 'driver.mjs': driverModule, 'work.mjs': driverWork, 'welcome.scenario.md': scenario('Welcome email', 3) });
const welcome = await runVitest(one);
console.log('1. welcome-email scenario, 3 runs × 5 checks (embedded control plane):');
console.table([
  { what: 'empty Vitest run (the floor: Vitest itself)', time: ms(floor.wall) },
  { what: 'scenario file, whole Vitest run', time: ms(welcome.wall) },
  ...welcome.runMs.map((d, i) => ({
    what: `run ${i + 1}: harness (reset, settle, probe, capture${i === 0 ? ', loading the driver module' : ''})`,
    time: ms(d - (welcome.perDrive[i] ?? 0)),
    driver: ms(welcome.perDrive[i] ?? 0),
  })),
]);

// 2. 50 scenario files vs 50 hand-written tests.
const scenarioFiles = { 'vitest.config.mjs': scenarioConfig, 'driver.mjs': driverModule, 'work.mjs': driverWork };
const testFiles = { 'vitest.config.mjs': handwrittenConfig, 'work.mjs': driverWork };
for (let i = 1; i <= FILES; i++) {
  const n = String(i).padStart(2, '0');
  scenarioFiles[`s${n}.scenario.md`] = scenario(`Welcome email ${n}`, 1);
  testFiles[`t${n}.test.mjs`] = handwrittenTest(n);
}
const scen = await runVitest(project('scenarios', scenarioFiles));
const hand = await runVitest(project('handwritten', testFiles));
console.log(`2. ${FILES} files, same driver work and the same 5 checks each:`);
console.table([
  { variant: `${FILES} scenario .md files`, wall: ms(scen.wall), tests: scen.tests, 'driver work': ms(scen.driverMs) },
  { variant: `${FILES} hand-written .test files`, wall: ms(hand.wall), tests: hand.tests, 'driver work': ms(hand.driverMs) },
  { variant: 'ratio scenario / hand-written', wall: `${(scen.wall / hand.wall).toFixed(2)}×` },
]);
