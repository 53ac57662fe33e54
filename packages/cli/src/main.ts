import { CliError, type CliIO, type Command, EXIT_USAGE, UsageError } from './io.js';
import { NightjarError } from '@nightjar/core';

/** Commands load lazily so `nightjar lint` never pays for the native addon, and vice versa. */
const COMMANDS: Record<string, () => Promise<{ run: Command }>> = {
  scan: () => import('./commands/scan.js'),
  watch: () => import('./commands/watch.js'),
  test: () => import('./commands/test.js'),
  lint: () => import('./commands/lint.js'),
  profile: () => import('./commands/profile.js'),
  events: () => import('./commands/events.js'),
  techniques: () => import('./commands/techniques.js'),
  ship: () => import('./commands/ship.js'),
  fleet: () => import('./commands/fleet.js'),
};

export const HELP = `nightjar — Sigma detection for macOS Endpoint Security events

Usage: nightjar <command> [options]

Commands:
  scan <events…|->     replay recorded events through the rules and print alerts
  watch                live detection from a local event source
  test [rules…]        run the tests declared in rules (tests: key)
  lint [rules…]        check rules for errors and bad practice
  profile <events…|->  telemetry profile of a capture
  events [rules…]      the ES event types a ruleset needs
  techniques [rules…]  ATT&CK techniques the rules cover, by tactic (table, json, navigator)
  ship [capture|-]     send this host's events to a fleet (NATS JetStream)
  fleet                a fleet detection worker (NATS JetStream); --init sets the server up

Run 'nightjar <command> --help' for a command's options.
Exit codes: 0 clean · 1 findings (alerts, failed tests, lint findings) · 2 usage or fatal error.
`;

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout).write(HELP);
    return name === undefined ? EXIT_USAGE : 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write('0.1.0\n');
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    io.stderr.write(`nightjar: unknown command '${name}'\n\n${HELP}`);
    return EXIT_USAGE;
  }
  try {
    const { run } = await load();
    return await run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`nightjar ${name}: ${err.message}\n`);
      return EXIT_USAGE;
    }
    if (err instanceof CliError) {
      io.stderr.write(`nightjar ${name}: ${err.message}\n`);
      for (const line of err.details) io.stderr.write(`  ${line}\n`);
      return EXIT_USAGE;
    }
    // Any other deliberate error (a typed NightjarError) is a fatal input/config problem, not a crash.
    if (err instanceof NightjarError) {
      io.stderr.write(`nightjar ${name}: ${err.message} [${err.code}]\n`);
      return EXIT_USAGE;
    }
    throw err;
  }
}
