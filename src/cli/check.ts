import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import pc from 'picocolors';
import { parseScenario, ScenarioError } from '../scenario/index.js';
import { EXIT } from './exit-codes.js';
import { parseFlags } from './parse-flags.js';
import { expandScenarioPaths } from './scenario-paths.js';
import { UsageError } from './usage-error.js';

export const checkHelp = `Usage: mirra check <file-or-glob>... [--json] [--quiet]

Validate scenario files without running them. Every problem is printed as
  file:line:column code message
and the command exits 4 when any file is invalid.

Options:
  --json     one JSON line per file: { file, valid, title?, criteria?, errors[], warnings[] }
  --quiet    print only problems
  -h, --help show this help`;

export async function checkCommand(argv: string[], io = defaultIo()): Promise<number> {
  const { values, positionals } = parseFlags(argv, { json: { type: 'boolean' }, quiet: { type: 'boolean' } }, checkHelp);
  if (values.help) {
    io.out(checkHelp);
    return EXIT.ok;
  }
  if (positionals.length === 0) throw new UsageError('mirra check needs at least one scenario file or glob.', checkHelp);

  const files = await expandScenarioPaths(positionals);
  if (files.length === 0) throw new UsageError(`No scenario files match ${positionals.join(' ')}.`, checkHelp);

  let invalid = 0;
  for (const file of files) {
    const shown = relative(process.cwd(), file) || file;
    const source = await readFile(file, 'utf8');
    try {
      const scenario = parseScenario(source, { file: shown });
      const warnings = scenario.warnings ?? [];
      if (values.json) {
        io.out(JSON.stringify({ file: shown, valid: true, title: scenario.title, criteria: scenario.criteria.length, errors: [], warnings }));
        continue;
      }
      for (const warning of warnings) io.out(`${shown}:${warning.line ?? 1}:1 ${pc.yellow(warning.code)} ${warning.message}`);
      if (!values.quiet) io.out(`${pc.green('✓')} ${shown} — ${scenario.title} (${scenario.criteria.length} criteria)`);
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      invalid++;
      const issues = error.issues.length > 0 ? error.issues : [error];
      if (values.json) {
        const errors = issues.map(({ code, message, hint, line, column }) => ({ code, message, hint, line, column }));
        io.out(JSON.stringify({ file: shown, valid: false, errors, warnings: [] }));
        continue;
      }
      for (const issue of issues) {
        io.out(`${shown}:${issue.line ?? 1}:${issue.column ?? 1} ${pc.red(issue.code)} ${issue.message}`);
        if (issue.hint) io.out(`  ${pc.dim(issue.hint)}`);
      }
    }
  }
  if (!values.json && !values.quiet) {
    io.out(invalid === 0 ? `${files.length} scenario file(s) valid` : `${invalid} of ${files.length} scenario file(s) invalid`);
  }
  return invalid === 0 ? EXIT.ok : EXIT.invalidScenario;
}

export interface Io {
  out(line: string): void;
  err(line: string): void;
}

export function defaultIo(): Io {
  return { out: (line) => process.stdout.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`) };
}
