import { CliError, type CliIO, type Command, EXIT_USAGE, UsageError } from './io.js';
import { NightjarError } from '@nightjar/core';

interface CommandEntry {
  readonly load: () => Promise<{ run: Command }>;
  /** Arguments shown in the command list. */
  readonly args: string;
  readonly summary: string;
}

/**
 * Every command, with the line the top-level help shows for it. Commands load lazily so
 * `nightjar lint` never pays for the native addon, and vice versa.
 */
const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  scan: {
    load: () => import('./commands/scan.js'),
    args: '<events…|->',
    summary: 'replay recorded events through the rules and print alerts',
  },
  watch: { load: () => import('./commands/watch.js'), args: '', summary: 'live detection from a local event source' },
  test: {
    load: () => import('./commands/test.js'),
    args: '[rules…]',
    summary: 'run the tests declared in rules (tests: key)',
  },
  lint: {
    load: () => import('./commands/lint.js'),
    args: '[rules…]',
    summary: 'check rules for errors and bad practice',
  },
  profile: {
    load: () => import('./commands/profile.js'),
    args: '<events…|->',
    summary: 'telemetry profile of a capture',
  },
  events: {
    load: () => import('./commands/events.js'),
    args: '[rules…]',
    summary: 'the ES event types a ruleset needs',
  },
  fields: {
    load: () => import('./commands/fields.js'),
    args: '[-c category]',
    summary: 'the fields a rule can use, with their type and ES path',
  },
  rules: {
    load: () => import('./commands/rules.js'),
    args: 'list|show <id>',
    summary: 'the rules loaded, or one rule as the engine runs it',
  },
  techniques: {
    load: () => import('./commands/techniques.js'),
    args: '[rules…]',
    summary: 'ATT&CK techniques the rules cover, by tactic (table, json, navigator)',
  },
  ship: {
    load: () => import('./commands/ship.js'),
    args: '[capture|-]',
    summary: "send this host's events to a fleet (NATS JetStream)",
  },
  fleet: {
    load: () => import('./commands/fleet.js'),
    args: '',
    summary: 'a fleet detection worker (NATS JetStream); --init sets the server up',
  },
};

function commandList(): string {
  const labels = Object.entries(COMMANDS).map(([name, c]) => [`${name} ${c.args}`.trim(), c.summary] as const);
  const width = Math.max(...labels.map(([l]) => l.length)) + 2;
  return labels.map(([l, s]) => `  ${l.padEnd(width)}${s}`).join('\n');
}

export const HELP = `nightjar — Sigma detection for macOS Endpoint Security events

Usage: nightjar <command> [options]

Commands:
${commandList()}

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
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name]?.load : undefined;
  if (!load) {
    // Loaded only here: the rules package is not needed to dispatch.
    const { didYouMean } = await import('@nightjar/rules');
    io.stderr.write(`nightjar: unknown command '${name}'${didYouMean(name, Object.keys(COMMANDS))}\n\n${HELP}`);
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
