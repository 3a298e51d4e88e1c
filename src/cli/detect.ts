/**
 * Which mirrors a project needs, for `mirra up` without `--mirrors` (spec §4.2): the
 * vendor SDKs in package.json, plus `import`/`require` of them in the project's sources.
 * Environment variables are not used as a signal: after `eval "$(mirra up)"` they point at
 * the mirrors themselves, so they would say nothing about the project.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { glob } from 'tinyglobby';

/** npm package → mirror. */
export const SDK_PACKAGES: Record<string, string> = {
  resend: 'resend',
  stripe: 'stripe',
  '@stripe/stripe-node': 'stripe',
  twilio: 'twilio',
};

export const SOURCE_GLOBS = ['src/**/*.{ts,js,mjs,cjs,tsx,jsx,mts,cts}', '*.{ts,js,mjs,cjs,mts,cts}'];
export const MAX_FILES = 2000;
export const MAX_FILE_BYTES = 512 * 1024;

export interface Detection {
  mirrors: string[];
  /** mirror → where it was seen (`package.json`, `src/mail.ts`). */
  signals: Record<string, string[]>;
}

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+)['"]((?:@[\w.-]+\/)?[\w.-]+)(?:\/[^'"]*)?['"]/g;

export async function detectMirrors(root: string): Promise<Detection> {
  const signals: Record<string, string[]> = {};
  const add = (mirror: string, where: string) => {
    const list = (signals[mirror] ??= []);
    if (!list.includes(where)) list.push(where);
  };
  try {
    const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
    for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
      const deps = pkg[field];
      if (!deps || typeof deps !== 'object') continue;
      for (const name of Object.keys(deps)) if (SDK_PACKAGES[name]) add(SDK_PACKAGES[name], 'package.json');
    }
  } catch {
    // no (readable) package.json: imports only
  }
  const files = (await glob(SOURCE_GLOBS, { cwd: root, ignore: ['**/node_modules/**', '**/dist/**', '**/.*/**'] })).sort().slice(0, MAX_FILES);
  for (const file of files) {
    let text: string;
    try {
      const buffer = await readFile(path.join(root, file));
      if (buffer.length > MAX_FILE_BYTES) continue;
      text = buffer.toString('utf8');
    } catch {
      continue;
    }
    for (const match of text.matchAll(IMPORT)) {
      const mirror = SDK_PACKAGES[match[1]!];
      if (mirror) add(mirror, file);
    }
  }
  const order = ['stripe', 'resend', 'twilio'];
  const mirrors = Object.keys(signals).sort((a, b) => order.indexOf(a) - order.indexOf(b));
  return { mirrors, signals };
}
