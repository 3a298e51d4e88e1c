/** Loading rows by id with Stripe's 404, tombstones for deleted objects, search queries. */
import type { SessionContext } from '../core/context.js';
import { invalid, noSuch } from './errors.js';
import type { Kind, Obj } from './objects.js';

export function load(ctx: SessionContext, kind: Kind, id: string, param = 'id'): Obj {
  const row = ctx.db.get<Obj>(kind.entity, id);
  if (!row) noSuch(kind.noun, id, param);
  return row!;
}

export function tombstone(ctx: SessionContext, kind: Kind, id: string): Obj {
  ctx.db.remove(kind.entity, id);
  const marker = { id, object: kind.object, deleted: true };
  ctx.db.insert('deleted_objects', marker);
  return marker;
}

export function deletedMarker(ctx: SessionContext, id: string): Obj | undefined {
  return ctx.db.get<Obj>('deleted_objects', id);
}

interface Clause {
  field: string;
  op: ':' | '~' | '>' | '<' | '>=' | '<=';
  value: string;
  negate: boolean;
}

/** Stripe's search query language, the common subset: `email:'x' AND metadata['k']:'v'`, `name~'ali'`, `-status:'x'`, OR. */
export function parseSearch(query: string): Clause[][] {
  const groups: Clause[][] = [[]];
  const re = /\s*(-)?([a-z_]+(?:\['[^']*'\])?)\s*(:|~|>=|<=|>|<)\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|([^\s]+))\s*(AND|OR)?/gy;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(query)) !== null && m[0] !== '') {
    groups[groups.length - 1].push({ negate: !!m[1], field: m[2], op: m[3] as Clause['op'], value: m[4] ?? m[5] ?? m[6] });
    consumed = re.lastIndex;
    if (m[7] === 'OR') groups.push([]);
    if (!m[7]) break;
  }
  if (consumed !== query.length || groups.some((g) => g.length === 0)) {
    invalid(`Invalid query: '${query}'. Search queries look like \`email:'jenny@example.com' AND metadata['order_id']:'6735'\`; see https://docs.stripe.com/search#search-query-language.`, 'query');
  }
  return groups;
}

function fieldValue(row: Obj, field: string): unknown {
  const meta = /^metadata\['([^']*)'\]$/.exec(field);
  if (meta) return row.metadata?.[meta[1]];
  return row[field];
}

export function matchesSearch(row: Obj, groups: Clause[][]): boolean {
  return groups.some((g) =>
    g.every((c) => {
      const v = fieldValue(row, c.field);
      let ok: boolean;
      switch (c.op) {
        case ':':
          ok = v !== undefined && v !== null && String(v).toLowerCase() === c.value.toLowerCase();
          break;
        case '~':
          ok = typeof v === 'string' && v.toLowerCase().includes(c.value.toLowerCase());
          break;
        case '>':
          ok = Number(v) > Number(c.value);
          break;
        case '<':
          ok = Number(v) < Number(c.value);
          break;
        case '>=':
          ok = Number(v) >= Number(c.value);
          break;
        case '<=':
          ok = Number(v) <= Number(c.value);
          break;
      }
      return c.negate ? !ok : ok;
    }),
  );
}

export function searchReply(rows: Obj[], url: string, limit = 10, page?: string): Obj {
  const start = page ? Number(Buffer.from(page, 'base64url').toString('utf8')) || 0 : 0;
  const slice = rows.slice(start, start + limit);
  const more = rows.length > start + limit;
  return {
    object: 'search_result',
    data: slice,
    has_more: more,
    next_page: more ? Buffer.from(String(start + limit)).toString('base64url') : null,
    url,
  };
}
