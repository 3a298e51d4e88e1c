/** A tiny method + path-pattern router (`/emails/:id`, `/v1/customers/:customer/sources`). */

export interface CompiledRoute<R> {
  method: string;
  pattern: string;
  regex: RegExp;
  keys: string[];
  route: R;
}

export type RouteMatch<R> =
  | { kind: 'match'; route: R; params: Record<string, string> }
  | { kind: 'method_not_allowed'; allowed: string[] }
  | { kind: 'not_found' };

export function compilePattern(pattern: string): { regex: RegExp; keys: string[] } {
  const keys: string[] = [];
  const source = pattern
    .split('/')
    .map((seg) => {
      if (seg.startsWith(':')) {
        keys.push(seg.slice(1));
        return '([^/]+)';
      }
      if (seg === '*') {
        keys.push('*');
        return '(.*)';
      }
      return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { regex: new RegExp(`^${source}/?$`), keys };
}

export class Router<R extends { method: string; path: string }> {
  private readonly routes: CompiledRoute<R>[] = [];

  constructor(routes: readonly R[] = []) {
    for (const r of routes) this.add(r);
  }

  add(route: R): void {
    const { regex, keys } = compilePattern(route.path);
    this.routes.push({ method: route.method.toUpperCase(), pattern: route.path, regex, keys, route });
  }

  list(): R[] {
    return this.routes.map((r) => r.route);
  }

  /** True when some route's pattern matches the path, whatever the method. */
  ownsPath(path: string): boolean {
    return this.routes.some((r) => r.regex.test(path));
  }

  match(method: string, path: string): RouteMatch<R> {
    const allowed: string[] = [];
    const upper = method.toUpperCase();
    for (const r of this.routes) {
      const m = r.regex.exec(path);
      if (!m) continue;
      if (r.method !== upper && !(upper === 'HEAD' && r.method === 'GET')) {
        allowed.push(r.method);
        continue;
      }
      const params: Record<string, string> = {};
      r.keys.forEach((k, i) => {
        const raw = m[i + 1];
        try {
          params[k] = decodeURIComponent(raw);
        } catch {
          params[k] = raw;
        }
      });
      return { kind: 'match', route: r.route, params };
    }
    return allowed.length > 0 ? { kind: 'method_not_allowed', allowed } : { kind: 'not_found' };
  }
}
