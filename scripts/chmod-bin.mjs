// tsc does not keep the executable bit; npm links `bin` entries but a local
// `./dist/cli/main.js` call needs it too.
import { chmodSync, existsSync } from 'node:fs';

const bin = new URL('../dist/cli/main.js', import.meta.url);
if (existsSync(bin)) chmodSync(bin, 0o755);
