#!/usr/bin/env node
import { main } from './main.js';

// stderr is a closed pipe (`nightjar scan x 2>&1 >/dev/null | head -1`): status lines can no longer
// be shown, so drop them and let the command finish with its own exit code. Unhandled, the EPIPE
// became an uncaught exception whose report went to the same closed pipe: a 100% CPU loop, forever.
const closedPipe = (err: unknown) => {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED';
};
process.stderr.on('error', (err) => {
  if (!closedPipe(err)) crash(err);
});

// Anything that escapes main() is a crash: report it and exit 2 (after stdout has flushed).
function crash(err: unknown): void {
  process.exitCode = 2;
  if (process.stderr.destroyed || process.stderr.writableEnded) return;
  process.stderr.write(
    `nightjar: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
}
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);

main(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  env: process.env,
  // SIGINT (Ctrl-C) and SIGTERM (service managers, kill) both stop the command cleanly; a second
  // signal exits at once.
  onInterrupt(handler) {
    const first = (sig: NodeJS.Signals) => {
      process.off('SIGINT', first);
      process.off('SIGTERM', first);
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      handler(sig);
    };
    process.on('SIGINT', first);
    process.on('SIGTERM', first);
    return () => {
      process.off('SIGINT', first);
      process.off('SIGTERM', first);
    };
  },
  onReload(handler) {
    process.on('SIGHUP', handler);
    return () => process.off('SIGHUP', handler);
  },
}).then((code) => {
  process.exitCode = code;
}, crash);
