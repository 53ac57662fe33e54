#!/usr/bin/env node
import { main } from './main.js';

// Anything that escapes main() is a crash: report it and exit 2 (after stdout has flushed).
const crash = (err: unknown) => {
  process.stderr.write(`nightjar: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 2;
};
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);

main(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  env: process.env,
  onInterrupt(handler) {
    const first = () => {
      process.once('SIGINT', () => process.exit(130));
      handler();
    };
    process.once('SIGINT', first);
    return () => process.off('SIGINT', first);
  },
}).then(
  (code) => {
    process.exitCode = code;
  },
  crash,
);
