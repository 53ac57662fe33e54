/**
 * One Atomic Red Team procedure turned into the ES events a Mac emits when a red teamer runs it
 * from Terminal the way Invoke-AtomicTest does: `<executor> -c <command>` started by the user's
 * login shell, under `sudo` when the atomic needs root.
 */
import { hash32 } from '../prng.js';
import { ROOT, USER, World, type Proc } from '../world.js';
import { runScript, type Machine } from './interp.js';
import { PAYLOADS } from './payloads.js';

/** A line of the corpus (`atomics.jsonl`). */
export interface Atomic {
  readonly technique: string;
  readonly technique_name: string;
  readonly test: string;
  readonly guid: string;
  readonly executor: 'sh' | 'bash';
  readonly elevation_required: boolean;
  readonly command: string;
}

/** File base name of an atomic's trace: technique, then the guid's first block (stable and unique). */
export function atomicSlug(a: Atomic): string {
  return `${a.technique}-${a.guid.slice(0, 8)}`;
}

export const ATOMIC_START = '2026-03-02T14:00:00Z';
/** macOS 15 (message version 8). */
export const ATOMIC_VERSION = 8;

/** Where Atomic Red Team is checked out on the test Mac; `PathToAtomicsFolder` points into it. */
export const ATOMICS_FOLDER = '/Users/alice/AtomicRedTeam/atomics';

export function renderAtomic(a: Atomic): string {
  const w = new World({ seed: hash32(a.guid), start: ATOMIC_START, version: ATOMIC_VERSION });
  const terminal = w.existing('/System/Applications/Utilities/Terminal.app/Contents/MacOS/Terminal', { tty: null });
  const login = w.existing(
    '/usr/bin/login',
    { euid: ROOT, ruid: USER, tty: '/dev/ttys003', responsible: terminal },
    terminal,
  );
  const zsh = w.existing(
    '/bin/zsh',
    { euid: USER, ruid: USER, egid: 20, rgid: 20, tty: '/dev/ttys003', cwd: w.home, responsible: terminal },
    login,
  );
  const m: Machine = { w, files: new Map(), deleted: new Set(), payloads: PAYLOADS };
  const command = a.command.replace(/(?<![$\w])PathToAtomicsFolder/g, ATOMICS_FOLDER);
  const vars = new Map([
    ['PathToAtomicsFolder', ATOMICS_FOLDER],
    ['HOME', w.home],
  ]);
  const shellPath = a.executor === 'bash' ? '/bin/bash' : '/bin/sh';
  let parent: Proc = zsh;
  let sudo: Proc | undefined;
  if (a.elevation_required) {
    const child = w.fork(zsh);
    sudo = w.exec(child, '/usr/bin/sudo', ['sudo', a.executor, '-c', command], { euid: ROOT });
    w.sudo(sudo, { success: true, command: `${shellPath} -c ${command}` });
    parent = sudo;
  }
  const child = w.fork(parent, a.elevation_required ? { euid: ROOT, ruid: ROOT, egid: 0, rgid: 0 } : {});
  const shell = w.exec(child, shellPath, [a.executor, '-c', command], { cwd: w.home });
  const last = runScript(m, shell, command, { bash: a.executor === 'bash', cwd: w.home, vars });
  w.exit(last);
  if (sudo) w.exit(sudo);
  return w.text();
}
