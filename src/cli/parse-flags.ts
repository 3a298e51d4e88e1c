import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './usage-error.js';

type Options = NonNullable<ParseArgsConfig['options']>;
type HelpOption = { help: { type: 'boolean'; short: 'h' } };
type Config<O extends Options> = { args: string[]; options: O & HelpOption; allowPositionals: true; strict: true };

export type ParsedFlags<O extends Options> = ReturnType<typeof parseArgs<Config<O>>>;

/**
 * `node:util` parseArgs with errors turned into UsageError (exit 64) that carry
 * the command's help text. `-h`/`--help` is always accepted.
 */
export function parseFlags<const O extends Options>(argv: string[], options: O, help: string): ParsedFlags<O> {
  const config: Config<O> = {
    args: argv,
    options: { ...options, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  };
  try {
    return parseArgs(config);
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/\. To specify a positional argument.*$/s, '.') : String(error);
    throw new UsageError(message, help);
  }
}
