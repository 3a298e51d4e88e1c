/** Output and stop signals of the commands (injectable for tests). */
export interface Io {
  out(line: string): void;
  err(line: string): void;
  /** Resolves when a long-running command should stop (SIGINT/SIGTERM by default). */
  stopped?: Promise<string>;
}

export function defaultIo(): Io {
  return { out: (line) => process.stdout.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`) };
}

export function waitForSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (sig: string) => () => {
      process.off('SIGINT', int);
      process.off('SIGTERM', term);
      resolve(sig);
    };
    const int = on('SIGINT');
    const term = on('SIGTERM');
    process.once('SIGINT', int);
    process.once('SIGTERM', term);
  });
}
