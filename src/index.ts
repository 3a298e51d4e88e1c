export { parseScenario, formatScenario, ScenarioError } from './scenario/index.js';
export type { Scenario, Criterion, ScenarioConfig } from './scenario/index.js';
export { startServer } from './server/index.js';
export type { ServerOptions, MirraServer } from './server/index.js';
export { MirraClient, MirraApiError, MirraNetworkError, MirrorAdmin } from './client/index.js';
export type { MirraClientOptions, Session, SessionMirror, SessionEvent, Run, CreateSessionRequest, CreateRunRequest } from './client/index.js';
