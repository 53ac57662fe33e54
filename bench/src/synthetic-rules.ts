/**
 * Generated rule sets for the scaling runs, in plain Sigma YAML (native ES logsource), plus a
 * hand-written predicate loop implementing exactly the same rules: the baseline the engine's
 * pre-decoded throughput is compared with.
 */

export interface Template {
  readonly type: string;
  /** YAML detection body for rule i. */
  readonly yaml: (i: number) => string;
}

// Each template reads one or two fields of one event type; a few of them match common events so
// the engine does real matching work, most never match (alerts are rare on a real host).
const TEMPLATES: readonly Template[] = [
  {
    type: 'exec',
    yaml: (i) =>
      `    event.exec.target.executable.path|endswith: '/tool${i}'\n    event.exec.args|contains: '--flag${i}'`,
  },
  {
    type: 'open',
    yaml: (i) =>
      `    event.open.file.path|startswith: '/private/var/secret${i}/'\n    process.is_platform_binary: false`,
  },
  { type: 'write', yaml: (i) => `    event.write.target.path|endswith: '.evil${i}'` },
  { type: 'create', yaml: (i) => `    event.create.destination.existing_file.path|contains: '/LaunchAgents/evil${i}'` },
  { type: 'close', yaml: (i) => `    event.close.target.path|contains: 'zzz${i}'\n    event.close.modified: true` },
  { type: 'stat', yaml: (i) => `    event.stat.target.path|endswith: '/.ssh/key${i}'` },
  { type: 'mmap', yaml: (i) => `    event.mmap.source.path|contains: '/tmp/inject${i}'` },
  { type: 'open', yaml: (i) => `    event.open.file.path|contains: '/Caches/com.apple.Safari/f${i}'` },
];

export interface GeneratedRules {
  readonly yaml: string;
  readonly eventTypes: ReadonlySet<string>;
  readonly count: number;
  readonly correlations: number;
}

/** `n` detection rules and `c` event_count correlations (grouped by process.entity_id) over them. */
export function generateRules(n: number, c = 0, templates: readonly Template[] = TEMPLATES): GeneratedRules {
  const docs: string[] = [];
  const types = new Set<string>();
  for (let i = 0; i < n; i++) {
    const t = templates[i % templates.length]!;
    types.add(t.type);
    docs.push(`title: Generated rule ${i}
id: 00000000-0000-4000-8000-${String(i).padStart(12, '0')}
name: gen_${i}
status: test
level: low
logsource:
  product: macos
  service: endpointsecurity
  category: ${t.type}
detection:
  selection:
${t.yaml(i)}
  condition: selection
`);
  }
  for (let k = 0; k < c; k++) {
    docs.push(`title: Generated correlation ${k}
id: 10000000-0000-4000-8000-${String(k).padStart(12, '0')}
status: test
level: medium
correlation:
  type: event_count
  rules:
    - gen_${k % Math.max(1, n)}
  group-by:
    - process.entity_id
  timespan: 1m
  condition:
    gte: 50
`);
  }
  return { yaml: docs.join('---\n'), eventTypes: types, count: n, correlations: c };
}

/** The templates reading only the given event types: for the rows parameterised by the share of lines needed. */
export function templatesOf(types: readonly string[]): Template[] {
  return TEMPLATES.filter((t) => types.includes(t.type));
}

/**
 * The baseline: the same n rules as generateRules(n) written by hand, as a careful engineer would
 * for this one rule set: rules indexed by event type, and each field a rule reads lower-cased once
 * per event (Sigma strings match case-insensitively), then every rule of the type tested with plain
 * string methods on the lowered values. No lineage, gaps or correlation. `hits[i]` counts the
 * events rule i matched (the check of the engine's alert count).
 */
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access -- the baseline reads decoded JSON directly, as hand-written code would */
export interface HandLoop {
  /** Runs every rule of the event's type; returns how many matched. */
  readonly run: (name: string, msg: any) => number;
  readonly hits: Int32Array;
}

/** Per event: the lowered fields (a: main path, b: second string field, list: lowered args), flag. */
interface Lowered {
  a: string;
  list: string[];
  flag: boolean;
}

export function handWrittenMatcher(n: number, templates: readonly Template[] = TEMPLATES): HandLoop {
  type Pred = (f: Lowered) => boolean;
  const byType = new Map<string, { read: (m: any, f: Lowered) => void; rules: Pred[]; ids: number[] }>();
  const readers: Record<string, (m: any, f: Lowered) => void> = {
    exec: (m, f) => {
      const e = m.event.exec;
      f.a = String(e.target.executable.path).toLowerCase();
      const args = e.args;
      f.list.length = 0;
      for (let k = 0; k < args.length; k++) f.list.push(String(args[k]).toLowerCase());
    },
    open: (m, f) => {
      f.a = String(m.event.open.file.path).toLowerCase();
      f.flag = m.process.is_platform_binary === false;
    },
    write: (m, f) => void (f.a = String(m.event.write.target.path).toLowerCase()),
    create: (m, f) => void (f.a = String(m.event.create.destination.existing_file?.path).toLowerCase()),
    close: (m, f) => {
      f.a = String(m.event.close.target.path).toLowerCase();
      f.flag = m.event.close.modified === true;
    },
    stat: (m, f) => void (f.a = String(m.event.stat.target.path).toLowerCase()),
    mmap: (m, f) => void (f.a = String(m.event.mmap.source.path).toLowerCase()),
  };
  const add = (type: string, id: number, f: Pred) => {
    let t = byType.get(type);
    if (!t) byType.set(type, (t = { read: readers[type]!, rules: [], ids: [] }));
    t.rules.push(f);
    t.ids.push(id);
  };
  for (let i = 0; i < n; i++) {
    const tmpl = templates[i % templates.length]!;
    switch (TEMPLATES.indexOf(tmpl)) {
      case 0: {
        const a = `/tool${i}`,
          b = `--flag${i}`;
        add('exec', i, (f) => {
          if (!f.a.endsWith(a)) return false;
          for (let k = 0; k < f.list.length; k++) if (f.list[k]!.includes(b)) return true;
          return false;
        });
        break;
      }
      case 1: {
        const a = `/private/var/secret${i}/`;
        add('open', i, (f) => f.a.startsWith(a) && f.flag);
        break;
      }
      case 2: {
        const a = `.evil${i}`;
        add('write', i, (f) => f.a.endsWith(a));
        break;
      }
      case 3: {
        const a = `/launchagents/evil${i}`;
        add('create', i, (f) => f.a.includes(a));
        break;
      }
      case 4: {
        const a = `zzz${i}`;
        add('close', i, (f) => f.a.includes(a) && f.flag);
        break;
      }
      case 5: {
        const a = `/.ssh/key${i}`;
        add('stat', i, (f) => f.a.endsWith(a));
        break;
      }
      case 6: {
        const a = `/tmp/inject${i}`;
        add('mmap', i, (f) => f.a.includes(a));
        break;
      }
      case 7: {
        const a = `/caches/com.apple.safari/f${i}`;
        add('open', i, (f) => f.a.includes(a));
        break;
      }
    }
  }
  const hits = new Int32Array(n);
  const f: Lowered = { a: '', list: [], flag: false };
  const run = (name: string, msg: any): number => {
    const t = byType.get(name);
    if (t === undefined) return 0;
    t.read(msg, f);
    const rules = t.rules;
    let matched = 0;
    for (let i = 0; i < rules.length; i++) {
      if (rules[i]!(f)) {
        hits[t.ids[i]!]!++;
        matched++;
      }
    }
    return matched;
  };
  return { run, hits };
}
/* eslint-enable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access */
