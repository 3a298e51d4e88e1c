import { MirraApiError, MirraNetworkError } from '../client/index.js';
import { CliError } from './cli-error.js';
import { EXIT } from './exit-codes.js';

/**
 * A client error as a CliError: the control plane unreachable → 3 (nothing could be
 * provisioned); an API answer (404 session, 409 ended, ...) → `apiExit` (default 1).
 */
export function fromClientError(error: unknown, apiUrl: string, apiExit: number = EXIT.belowThreshold): unknown {
  if (error instanceof MirraNetworkError) {
    return new CliError(
      `the control plane at ${apiUrl} is not reachable (${error.message}).`,
      EXIT.provisioningFailed,
      'Start it with `mirra up` or `mirra serve`, or check MIRRA_API_URL.',
    );
  }
  if (error instanceof MirraApiError) {
    if (error.status === 401) return new CliError(`${error.message} [${error.code}]`, EXIT.provisioningFailed, error.hint ?? 'Check MIRRA_TOKEN.');
    return new CliError(`${error.message} [${error.code}]`, apiExit, error.hint);
  }
  return error;
}
