import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { runCli } from './run-cli.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));

function workspace(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'mirra-check-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const valid = `# Welcome\n\n## Success Criteria\n- Exactly 1 email is created in the Resend mirror\n\n## Config\nmirrors: resend\n`;

describe('mirra check', () => {
  test('the README main job: every example scenario is valid', async () => {
    const result = await runCli(['check', 'examples'], { cwd: repo });
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('✓ examples/welcome-email/welcome-email.scenario.md — Send Welcome Email on Signup (7 criteria)');
    expect(result.stdout).toContain('3 scenario file(s) valid');
    expect(result.code).toBe(0);
  });

  test('an invalid file prints every problem as file:line:column code message and exits 4', async () => {
    const cwd = workspace({
      'ok.md': valid,
      'bad.md': `# One\n\n# Two\n\n## Success Criteria\n- Exactly 1 email is sent\n\n## Config\nmirrors: resend, github\nfixture: resend:transactional-bust\n`,
    });
    const result = await runCli(['check', '*.md'], { cwd });
    expect(result.code).toBe(4);
    expect(result.stdout).toMatch(/^bad\.md:3:1 mirra\.scenario\.multiple_titles /m);
    expect(result.stdout).toMatch(/^bad\.md:9:\d+ mirra\.scenario\.unknown_mirror .*github/m);
    expect(result.stdout).toMatch(/^bad\.md:10:\d+ mirra\.scenario\.unknown_fixture .*transactional-bust/m);
    expect(result.stdout).toContain('transactional-busy');
    expect(result.stdout).toContain('✓ ok.md');
    expect(result.stdout).toContain('1 of 2 scenario file(s) invalid');
  });

  test('--json prints one line per file', async () => {
    const cwd = workspace({ 'a.md': valid, 'b.md': 'no title here\n' });
    const result = await runCli(['check', 'a.md', 'b.md', '--json'], { cwd });
    expect(result.code).toBe(4);
    const [a, b] = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(a).toMatchObject({ file: 'a.md', valid: true, title: 'Welcome', criteria: 1, errors: [] });
    expect(b.valid).toBe(false);
    expect(b.errors.map((e: { code: string }) => e.code)).toContain('mirra.scenario.missing_title');
  });

  test('usage errors print the help and exit 64', async () => {
    const none = await runCli(['check']);
    expect(none.code).toBe(64);
    expect(none.stderr).toContain('mirra check needs at least one scenario file or glob.');
    expect(none.stderr).toContain('Usage: mirra check');

    const flag = await runCli(['check', '--nope', 'x.md']);
    expect(flag.code).toBe(64);
    expect(flag.stderr).toContain("Unknown option '--nope'");

    const missing = await runCli(['check', 'does-not-exist.md']);
    expect(missing.code).toBe(64);
    expect(missing.stderr).toContain('No such file or directory: does-not-exist.md');
  });

  test('unknown command exits 64 and lists the commands', async () => {
    const result = await runCli(['frobnicate']);
    expect(result.code).toBe(64);
    expect(result.stderr).toContain("unknown command 'frobnicate'");
    expect(result.stderr).toContain('check');
  });

  test('--help exits 0', async () => {
    const result = await runCli(['check', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: mirra check <file-or-glob>...');
  });
});
