/**
 * The prototype oracle: a snapshot of the built-in prototypes hostile input could reach through
 * `__proto__` / `constructor.prototype` keys, compared (and restored) after each run.
 */
import type { Violation } from './findings.js';

const WATCHED: readonly [string, object][] = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
  ['String.prototype', String.prototype],
];

type Snapshot = Map<object, Map<string | symbol, PropertyDescriptor>>;

export function snapshotPrototypes(): Snapshot {
  const s: Snapshot = new Map();
  for (const [, proto] of WATCHED) {
    const m = new Map<string | symbol, PropertyDescriptor>();
    for (const k of Reflect.ownKeys(proto)) m.set(k, Object.getOwnPropertyDescriptor(proto, k)!);
    s.set(proto, m);
  }
  return s;
}

/** Violations for every key added, removed or changed since `before`; the change is undone so the run can go on. */
export function checkPrototypes(before: Snapshot): Violation[] {
  const out: Violation[] = [];
  for (const [name, proto] of WATCHED) {
    const was = before.get(proto)!;
    for (const k of Reflect.ownKeys(proto)) {
      const d = Object.getOwnPropertyDescriptor(proto, k)!;
      const old = was.get(k);
      if (old === undefined) {
        out.push({ oracle: 'prototype', message: `${name}.${String(k)} was added` });
        Reflect.deleteProperty(proto, k);
      } else if (old.value !== d.value || old.get !== d.get || old.set !== d.set) {
        out.push({ oracle: 'prototype', message: `${name}.${String(k)} was changed` });
        Object.defineProperty(proto, k, old);
      }
    }
    for (const [k, d] of was) {
      if (!Object.prototype.hasOwnProperty.call(proto, k)) {
        out.push({ oracle: 'prototype', message: `${name}.${String(k)} was removed` });
        Object.defineProperty(proto, k, d);
      }
    }
  }
  return out;
}
