/** The catalog of mirrors a scenario may name. */
export const MIRROR_CATALOG = ['resend', 'stripe', 'twilio'] as const;
export type MirrorName = (typeof MIRROR_CATALOG)[number];

export const AGENTS = ['claude-code', 'cursor', 'copilot', 'cline', 'custom'] as const;
export type AgentName = (typeof AGENTS)[number];

export type CriterionTag = 'check' | 'judge';

export interface Criterion {
  tag: CriterionTag;
  /** The criterion text without its `check:` / `judge:` prefix, markdown kept. */
  text: string;
  /** 1-based line of the list item in the source file. */
  line?: number;
  /** True when the tag came from inference rather than an explicit prefix. */
  inferred?: boolean;
  /** Set when an explicit tag contradicts what inference would choose. */
  warning?: string;
}

export interface ScenarioConfig {
  mirrors: string[];
  /** `<mirror>:<fixture>`, always qualified after parsing. */
  fixture?: string;
  /** Path as written, relative to the scenario file. */
  fixtureFile?: string;
  /** `<mirror>@<semver>`. */
  mirrorVersion?: string;
  /** Seconds per run. */
  timeout: number;
  runs: number;
  agent: string;
  judgeModel: string;
  persistent: boolean;
  /** Path to a driver module, relative to the scenario file (Vitest integration). */
  driver?: string;
}

/** Exactly the JSON that `POST /v1/runs` accepts as `scenario`. */
export interface Scenario {
  title: string;
  setup?: string;
  prompt?: string;
  expectedBehavior?: string;
  criteria: Criterion[];
  config: ScenarioConfig;
  /** Source file, when known. */
  file?: string;
  /** Non-fatal findings (tag contradictions, unknown config keys, ...). */
  warnings?: ScenarioWarning[];
}

export interface ScenarioWarning {
  code: string;
  message: string;
  line?: number;
}

export const CONFIG_DEFAULTS = {
  timeout: 60,
  runs: 1,
  agent: 'custom',
  judgeModel: 'claude-haiku-4-5',
  persistent: false,
} as const;
