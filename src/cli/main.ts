#!/usr/bin/env node
import pc from 'picocolors';
import { CliError } from './cli-error.js';
import { EXIT } from './exit-codes.js';
import { MissingPathError } from './scenario-paths.js';
import { UsageError } from './usage-error.js';

type Command = (argv: string[]) => Promise<number>;

/** Each command loads its own module, so `mirra check` never pays for the server. */
const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  up: { summary: 'provision mirrors for the current project', load: async () => (await import('./up.js')).upCommand },
  down: { summary: 'tear down a session', load: async () => (await import('./down.js')).downCommand },
  run: { summary: 'execute scenarios and score their criteria', load: async () => (await import('./run.js')).runCommand },
  reset: { summary: 'reset mirror state in a session', load: async () => (await import('./reset.js')).resetCommand },
  snapshot: { summary: "save a session's mirror state", load: async () => (await import('./snapshot.js')).snapshotCommand },
  restore: { summary: 'restore a session to a snapshot', load: async () => (await import('./restore.js')).restoreCommand },
  check: { summary: 'validate scenario files', load: async () => (await import('./check.js')).checkCommand },
  serve: { summary: 'run the control plane and every mirror on one port', load: async () => (await import('./serve.js')).serveCommand },
  doctor: { summary: 'diagnose the CLI and its environment', load: async () => (await import('./doctor.js')).doctorCommand },
};

export const mainHelp = () => `Usage: mirra <command> [flags]

Commands:
${Object.entries(commands)
  .map(([name, { summary }]) => `  ${name.padEnd(10)}${summary}`)
  .join('\n')}

Run \`mirra <command> --help\` for a command's flags.`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${mainHelp()}\n`);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    const { createRequire } = await import('node:module');
    process.stdout.write(`${createRequire(import.meta.url)('../../package.json').version}\n`);
    return EXIT.ok;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`${pc.red('error')} unknown command '${name}'\n\n${mainHelp()}\n`);
    return EXIT.usage;
  }
  try {
    return await (await command.load())(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${pc.red('error')} ${error.message}\n\n${error.help}\n`);
      return EXIT.usage;
    }
    if (error instanceof CliError) {
      process.stderr.write(`${pc.red('error')} ${error.message}\n${error.hint ? `  ${pc.dim(error.hint)}\n` : ''}`);
      return error.exitCode;
    }
    if (error instanceof MissingPathError) {
      process.stderr.write(`${pc.red('error')} ${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${pc.red('mirra crashed')} ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 70;
  },
);
