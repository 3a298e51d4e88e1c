/** Sessions for scenario runs: one per scenario file, reset to its seed between runs. */
import type { MirraClient, SeedInput, Session } from '../client/index.js';
import type { Scenario } from '../scenario/index.js';
import { scenarioSeeds } from './seeds.js';

export interface ScenarioSessionSpec {
  mirrors: string[];
  seeds: Record<string, SeedInput>;
  /** `mirror-version: stripe@0.7.3` → `{ stripe: '0.7.3' }`. */
  versions: Record<string, string>;
}

export async function scenarioSessionSpec(scenario: Scenario, scenarioFile: string): Promise<ScenarioSessionSpec> {
  return { mirrors: [...scenario.config.mirrors], seeds: await scenarioSeeds(scenario, scenarioFile), versions: pinnedVersions(scenario) };
}

function pinnedVersions(scenario: Scenario): Record<string, string> {
  const pin = scenario.config.mirrorVersion;
  const at = pin?.indexOf('@') ?? -1;
  return pin && at > 0 ? { [pin.slice(0, at)]: pin.slice(at + 1) } : {};
}

/**
 * Creates the session. The control plane keeps a warm pool keyed by mirrors + seeds, so a
 * second scenario file with the same shape gets a pre-built session in milliseconds.
 */
export function openScenarioSession(client: MirraClient, spec: ScenarioSessionSpec): Promise<Session> {
  return client.createSession({
    mirrors: spec.mirrors,
    ...(Object.keys(spec.seeds).length ? { seeds: spec.seeds } : {}),
    ...(Object.keys(spec.versions).length ? { versions: spec.versions } : {}),
  });
}

/** Back to the seed before runs 2…N (state, endpoints registered by the driver, timers, deliveries). */
export async function resetScenarioSession(client: MirraClient, session: Session): Promise<void> {
  await client.resetSession(session.sessionId);
}

export async function closeScenarioSession(client: MirraClient, session: Session): Promise<void> {
  await client.deleteSession(session.sessionId);
}
