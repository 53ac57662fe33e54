import { type CliIO, EXIT_USAGE } from '../io.js';

// Placeholder until the command lands; replaced by its owner.
export async function run(_argv: string[], io: CliIO): Promise<number> {
  io.stderr.write('nightjar scan: not available yet\n');
  return EXIT_USAGE;
}
