/**
 * A ready-to-paste `defineCheck` for criterion text no pattern matched: quoted values
 * become `{string}`, numbers `{int}`/`{float}`, and Cucumber's special characters are escaped.
 */

export function expressionFor(text: string): { expression: string; params: Array<'int' | 'float' | 'string'> } {
  const params: Array<'int' | 'float' | 'string'> = [];
  let src = text.replace(/\s+/g, ' ').trim().replace(/[.!]+$/, '');
  const parts: string[] = [];
  const re = /`[^`]*`|"[^"]*"|(?<![\w.])-?\d+\.\d+(?![\w.])|(?<![\w.])-?\d+(?![\w.])/g;
  let last = 0;
  for (let m = re.exec(src); m; m = re.exec(src)) {
    parts.push(escapeCucumber(src.slice(last, m.index)));
    const tok = m[0];
    if (tok.startsWith('`') || tok.startsWith('"')) {
      parts.push('{string}');
      params.push('string');
    } else if (tok.includes('.')) {
      parts.push('{float}');
      params.push('float');
    } else {
      parts.push('{int}');
      params.push('int');
    }
    last = m.index + tok.length;
  }
  parts.push(escapeCucumber(src.slice(last)));
  src = parts.join('');
  return { expression: src, params };
}

function escapeCucumber(s: string): string {
  return s.replace(/[\\(){}/]/g, '\\$&');
}

/** `'…'` as a JS string literal (single quotes). */
function jsString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function defineCheckSnippet(text: string): string {
  const { expression, params } = expressionFor(text);
  const counts = { int: 0, float: 0, string: 0 };
  const names = params.map((p) => {
    counts[p]++;
    const base = p === 'string' ? 'value' : p === 'int' ? 'count' : 'amount';
    return counts[p] === 1 ? base : `${base}${counts[p]}`;
  });
  const args = ['{ rows, created, webhooks }', ...names].join(', ');
  return [
    `defineCheck(${jsString(expression)}, (${args}) => {`,
    '  // Return true/false or { pass, message }; a thrown error fails the check.',
    `  throw new Error('TODO: implement this check');`,
    '});',
  ].join('\n');
}
