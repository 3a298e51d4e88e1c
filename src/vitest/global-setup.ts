/**
 * Vitest global setup (main process): the control plane workers talk to — embedded
 * (`startServer()`) unless MIRRA_API_URL + MIRRA_TOKEN name a remote one — the judge bridge
 * for an Evaluator object, and the session shared by plain test files.
 */
import type { TestProject } from 'vitest/node';
import { MirraClient, type Session } from '../client/index.js';
import { startServer } from '../server/index.js';
import { startJudgeBridge } from './judge-bridge.js';
import { isEvaluator, optionsRegistry, type MirraWorkerConfig } from './options.js';
import { mirraLog } from './log.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const config = project.getProvidedContext().mirraConfig as MirraWorkerConfig | undefined;
  if (!config) return async () => {};
  const log = mirraLog(config.quiet);
  const cleanups: Array<() => Promise<void>> = [];

  const remoteUrl = process.env.MIRRA_API_URL;
  const remoteToken = process.env.MIRRA_TOKEN;
  let url: string;
  let token: string;
  if (remoteUrl && remoteToken) {
    url = remoteUrl.replace(/\/+$/, '');
    token = remoteToken;
    log(`using control plane ${url}`);
  } else {
    const started = performance.now();
    const server = await startServer({ rateLimit: 1_000_000, log: (m) => log(m) });
    url = server.url;
    token = server.token;
    cleanups.push(() => server.close());
    log(`control plane ready at ${url} in ${Math.round(performance.now() - started)} ms`);
  }
  project.provide('mirraServer', { url, token, embedded: !(remoteUrl && remoteToken) });

  const options = optionsRegistry().get(config.registryId);
  if (config.judge?.kind === 'bridge' && options && isEvaluator(options.judge)) {
    const bridge = await startJudgeBridge(options.judge);
    cleanups.push(() => bridge.close());
    project.provide('mirraJudgeBridge', bridge.ref);
  } else {
    project.provide('mirraJudgeBridge', null);
  }

  // Plain tests share one session unless every file gets its own (resetBetweenFiles).
  let shared: Session | null = null;
  if (config.mirrors.length > 0 && !config.resetBetweenFiles) {
    const client = new MirraClient({ baseUrl: url, token });
    const started = performance.now();
    if (config.sessionId) {
      shared = await client.getSession(config.sessionId);
    } else {
      log(`provisioning ${config.mirrors.join(', ')}…`);
      shared = await client.createSession({
        mirrors: config.mirrors,
        ...(Object.keys(config.seeds).length ? { seeds: config.seeds } : {}),
        ...(config.sessionName ? { name: config.sessionName } : {}),
      });
      const created = shared;
      cleanups.push(async () => {
        await client.deleteSession(created.sessionId).catch(() => undefined);
        log(`session ${created.sessionId} ended · state cleared`);
      });
    }
    log(`session ${shared.sessionId} ready in ${((performance.now() - started) / 1000).toFixed(1)}s`);
  }
  project.provide('mirraSharedSession', shared ? { sessionId: shared.sessionId, name: shared.name, mirrors: shared.mirrors } : null);

  return async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
}
