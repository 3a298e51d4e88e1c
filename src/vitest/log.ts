/** `→ mirra: …` lines on stderr (silenced by `quiet`). */
import pc from 'picocolors';

export function mirraLog(quiet: boolean): (message: string) => void {
  return (message) => {
    if (!quiet) process.stderr.write(`${pc.dim('→ mirra:')} ${message}\n`);
  };
}
