import type { IncomingMessage } from 'node:http';
import { ApiError } from './errors.js';

export const DEFAULT_WORKSPACE = 'ws_default';

export interface TokenGrant {
  token: string;
  workspace: string;
}

/**
 * Bearer-token authentication. Tokens are held in memory (the store keeps
 * them across restarts); each maps to exactly one workspace.
 */
export class Authenticator {
  private readonly byToken = new Map<string, string>();

  constructor(grants: TokenGrant[]) {
    for (const g of grants) this.byToken.set(g.token, g.workspace);
  }

  /** The workspace of the request's token, or the 401 ApiError. */
  authenticate(req: IncomingMessage): string {
    const header = req.headers.authorization;
    if (header === undefined || header.trim() === '') {
      throw new ApiError(401, 'mirra.auth.missing_token', 'Missing bearer token.', 'Send Authorization: Bearer mt_pat_... (printed by `mirra serve`, or MIRRA_TOKEN).');
    }
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const token = m?.[1];
    const workspace = token === undefined ? undefined : this.lookup(token);
    if (workspace === undefined) {
      throw new ApiError(401, 'mirra.auth.invalid_token', 'The bearer token is not valid for this server.', 'Check MIRRA_TOKEN against the token `mirra serve` printed.');
    }
    return workspace;
  }

  private lookup(token: string): string | undefined {
    return token.length > 512 ? undefined : this.byToken.get(token);
  }
}

export function forbidden(): ApiError {
  return new ApiError(403, 'mirra.auth.forbidden', "This token doesn't have permission for that workspace.", 'Use a token scoped to the workspace that owns the resource.');
}
