export { MirraClient, type MirraClientOptions, type EventsOptions } from './client.js';
export { MirraApiError, MirraNetworkError } from './errors.js';
export { MirrorAdmin, type MirrorRef } from './mirror-admin.js';
export { SseParser, type SseMessage } from './sse.js';
export type { RetryOptions } from './retry.js';
export type * from './types.js';
