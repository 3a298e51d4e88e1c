import type { IncomingMessage, ServerResponse } from 'node:http';
import { errors } from './errors.js';

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  path: string;
}

export type Handler<C> = (ctx: RouteContext, extra: C) => unknown;

interface Node<C> {
  literal: Map<string, Node<C>>;
  param?: { name: string; node: Node<C> };
  handlers: Map<string, Handler<C>>;
}

const newNode = <C>(): Node<C> => ({ literal: new Map(), handlers: new Map() });

/**
 * A segment trie: `/v1/sessions/:id/reset`. Lookup is O(segments), literal
 * segments win over parameters. A path that matches with the wrong method is
 * a 405 (with `Allow`), a path that matches nothing a 404.
 */
export class Router<C> {
  private readonly root: Node<C> = newNode();

  on(method: string, pattern: string, handler: Handler<C>): this {
    let node = this.root;
    for (const seg of split(pattern)) {
      if (seg.startsWith(':')) {
        node.param ??= { name: seg.slice(1), node: newNode() };
        node = node.param.node;
      } else {
        let next = node.literal.get(seg);
        if (!next) node.literal.set(seg, (next = newNode()));
        node = next;
      }
    }
    node.handlers.set(method, handler);
    return this;
  }

  /** Resolve or throw the 404/405 ApiError. */
  match(method: string, path: string): { handler: Handler<C>; params: Record<string, string> } {
    const params: Record<string, string> = {};
    let node: Node<C> | undefined = this.root;
    for (const raw of split(path)) {
      let seg: string;
      try {
        seg = decodeURIComponent(raw);
      } catch {
        throw errors.routeNotFound(method, path.slice(0, 200));
      }
      const lit: Node<C> | undefined = node.literal.get(seg);
      if (lit) node = lit;
      else if (node.param && seg !== '') {
        params[node.param.name] = seg;
        node = node.param.node;
      } else {
        node = undefined;
        break;
      }
    }
    if (!node || node.handlers.size === 0) throw errors.routeNotFound(method, path.slice(0, 200));
    const handler = node.handlers.get(method) ?? (method === 'HEAD' ? node.handlers.get('GET') : undefined);
    if (!handler) throw errors.methodNotAllowed(method.slice(0, 20), path.slice(0, 200), [...node.handlers.keys()]);
    return { handler, params };
  }
}

function split(path: string): string[] {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? [] : trimmed.split('/');
}

export function sendNoContent(res: ServerResponse): void {
  res.writeHead(204);
  res.end();
}
