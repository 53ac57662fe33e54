/**
 * Generated rule sets for the scaling runs, in plain Sigma YAML (native ES logsource), plus a
 * hand-written predicate loop implementing exactly the same rules: the baseline the engine's
 * pre-decoded throughput is compared with.
 */

interface Template {
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

/** Templates restricted to a few event types: for the "rules need under a third of the types" run. */
export const NARROW_TEMPLATES = TEMPLATES.filter((t) => t.type === 'exec' || t.type === 'create');

/**
 * The baseline: the same n rules as generateRules(n) written by hand as direct property reads,
 * indexed by event type, lower-casing once per field read (Sigma strings are case-insensitive).
 */
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access -- the baseline reads decoded JSON directly, as hand-written code would */
export function handWrittenMatcher(n: number): (name: string, msg: any) => number {
  const byType = new Map<string, Array<(m: any) => boolean>>();
  const add = (type: string, f: (m: any) => boolean) => {
    let list = byType.get(type);
    if (!list) byType.set(type, (list = []));
    list.push(f);
  };
  for (let i = 0; i < n; i++) {
    switch (i % TEMPLATES.length) {
      case 0: {
        const a = `/tool${i}`,
          b = `--flag${i}`;
        add('exec', (m) => {
          const e = m.event.exec;
          if (!String(e.target.executable.path).toLowerCase().endsWith(a)) return false;
          for (const x of e.args) if (String(x).toLowerCase().includes(b)) return true;
          return false;
        });
        break;
      }
      case 1: {
        const a = `/private/var/secret${i}/`;
        add(
          'open',
          (m) => String(m.event.open.file.path).toLowerCase().startsWith(a) && m.process.is_platform_binary === false,
        );
        break;
      }
      case 2: {
        const a = `.evil${i}`;
        add('write', (m) => String(m.event.write.target.path).toLowerCase().endsWith(a));
        break;
      }
      case 3: {
        const a = `/launchagents/evil${i}`;
        add('create', (m) => String(m.event.create.destination.existing_file?.path).toLowerCase().includes(a));
        break;
      }
      case 4: {
        const a = `zzz${i}`;
        add(
          'close',
          (m) => String(m.event.close.target.path).toLowerCase().includes(a) && m.event.close.modified === true,
        );
        break;
      }
      case 5: {
        const a = `/.ssh/key${i}`;
        add('stat', (m) => String(m.event.stat.target.path).toLowerCase().endsWith(a));
        break;
      }
      case 6: {
        const a = `/tmp/inject${i}`;
        add('mmap', (m) => String(m.event.mmap.source.path).toLowerCase().includes(a));
        break;
      }
      case 7: {
        const a = `/caches/com.apple.safari/f${i}`;
        add('open', (m) => String(m.event.open.file.path).toLowerCase().includes(a));
        break;
      }
    }
  }
  return (name: string, msg: any) => {
    const list = byType.get(name);
    if (!list) return 0;
    let hits = 0;
    for (let i = 0; i < list.length; i++) if (list[i]!(msg)) hits++;
    return hits;
  };
}
/* eslint-enable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access */
