import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { resolveWorkerConfig } from '../../src/vitest/options.js';

test('a plain-test seed file is read relative to the root and sent inline', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'mirra-options-'));
  writeFileSync(path.join(root, 'seed.json'), JSON.stringify({ mirror: 'resend', records: {} }));
  const config = resolveWorkerConfig({ seeds: { resend: { file: './seed.json' }, stripe: 'empty' } }, root, 'r1');
  expect(config.seeds).toEqual({ resend: { data: { mirror: 'resend', records: {} } }, stripe: 'empty' });
});

test('a missing or broken seed file is a clear error naming the path', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'mirra-options-'));
  expect(() => resolveWorkerConfig({ seeds: { resend: { file: 'nope.json' } } }, root, 'r1')).toThrow(
    `mirra: seeds.resend.file 'nope.json' could not be read at ${path.join(root, 'nope.json')} (ENOENT). Paths are relative to the project root.`,
  );
  writeFileSync(path.join(root, 'bad.json'), '{ nope');
  expect(() => resolveWorkerConfig({ seeds: { resend: { file: 'bad.json' } } }, root, 'r1')).toThrow(`mirra: seeds.resend.file ${path.join(root, 'bad.json')} is not valid JSON:`);
});
