/**
 * nightjar.config.yaml, at the rule repository's root. The lint part:
 *
 *   lint:
 *     checks:                       # global: off, or a new severity
 *       nj/missing-tests: error
 *       nj/regex-backtracking: off
 *     rules:                        # per rule id (or title)
 *       0b6c2d6e-…:
 *         nj/unknown-field: off
 *     limits: { maxTimespan: 1h, maxEventTypes: 10 }
 *     target: { macos: "13.0" }   # enables nj/event-type-macos-version
 *
 * A top-level `checks:`/`rules:`/`limits:`/`target:` (without `lint:`) is accepted too.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Document } from 'yaml';
import { NightjarError } from '@nightjar/core';
import { yamlLibrary } from '@nightjar/rules';
import { CONFIG_FILE } from '../rule-input.js';
import { CHECKS_BY_ID, type CheckId, type Severity, isCheckId } from './catalog.js';

export type Level = Severity | 'off';

export interface LintConfig {
  readonly file?: string;
  readonly checks: ReadonlyMap<CheckId, Level>;
  /** Per rule id (or title). */
  readonly rules: ReadonlyMap<string, ReadonlyMap<CheckId, Level>>;
  readonly maxTimespanUs: number;
  readonly warnTimespanUs: number;
  readonly maxEventTypes: number;
  /** Oldest macOS the rules must run on; nj/event-type-macos-version runs only when it is set. */
  readonly targetMacos: string | undefined;
}

export class LintConfigError extends NightjarError {
  constructor(message: string) {
    super('NJ_LINT_CONFIG', message);
  }
}

export const DEFAULT_CONFIG: LintConfig = {
  checks: new Map(),
  rules: new Map(),
  maxTimespanUs: 3600e6,
  warnTimespanUs: 300e6,
  maxEventTypes: 10,
  targetMacos: undefined,
};

const LEVELS = new Set(['error', 'warning', 'info', 'off']);
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `90s`, `5m`, `1h`, `2d` → µs; undefined when malformed. */
export function parseSpanUs(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const m = /^(\d+)(s|m|h|d)$/.exec(v.trim());
  if (!m) return undefined;
  return Number(m[1]) * { s: 1e6, m: 60e6, h: 3600e6, d: 86400e6 }[m[2] as 's' | 'm' | 'h' | 'd'];
}

function levelsFrom(v: unknown, where: string, file: string): Map<CheckId, Level> {
  const out = new Map<CheckId, Level>();
  if (v === undefined || v === null) return out;
  if (!isObj(v)) throw new LintConfigError(`${file}: ${where} must be a mapping of check id to level`);
  for (const [k, lvl] of Object.entries(v)) {
    const id = k.startsWith('nj/') ? k : `nj/${k}`;
    if (!isCheckId(id))
      throw new LintConfigError(`${file}: ${where}: unknown check '${k}' (see packages/cli/docs/lint.md for the list)`);
    const l = lvl === false ? 'off' : lvl;
    if (typeof l !== 'string' || !LEVELS.has(l))
      throw new LintConfigError(`${file}: ${where}.${k}: level must be one of error, warning, info, off`);
    out.set(id, l as Level);
  }
  return out;
}

export function parseLintConfig(text: string, file: string): LintConfig {
  let doc: Document.Parsed;
  // With prettyErrors off, yaml leaves an error's linePos unset: the position comes from the offset.
  const lines = new (yamlLibrary().LineCounter)();
  try {
    // Without a leading BOM: yaml would count it as a column in the line 1 positions.
    doc = yamlLibrary().parseDocument(text.replace(/^\uFEFF/, ''), { prettyErrors: false, lineCounter: lines });
  } catch (err) {
    // Some malformed texts make yaml's parser recurse until the stack runs out.
    throw new LintConfigError(`${file}: cannot parse: ${(err as Error).message.split('\n')[0]}`);
  }
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const lp = lines.linePos(e.pos[0]);
    throw new LintConfigError(`${file}:${lp.line}:${lp.col}: ${e.message.split('\n')[0]}`);
  }
  const raw = doc.toJS() as unknown;
  if (raw === null || raw === undefined) return { ...DEFAULT_CONFIG, file };
  if (!isObj(raw)) throw new LintConfigError(`${file}: must be a mapping`);
  const lint = isObj(raw.lint) ? raw.lint : raw;
  const checks = levelsFrom(lint.checks, 'checks', file);
  const rules = new Map<string, Map<CheckId, Level>>();
  if (lint.rules !== undefined) {
    if (!isObj(lint.rules)) throw new LintConfigError(`${file}: rules must be a mapping of rule id to checks`);
    for (const [rid, v] of Object.entries(lint.rules)) rules.set(rid, levelsFrom(v, `rules.${rid}`, file));
  }
  const limits = isObj(lint.limits) ? lint.limits : {};
  let maxTimespanUs = DEFAULT_CONFIG.maxTimespanUs;
  if (limits.maxTimespan !== undefined) {
    const v = parseSpanUs(limits.maxTimespan);
    if (v === undefined) throw new LintConfigError(`${file}: limits.maxTimespan must look like 30m or 1h`);
    maxTimespanUs = v;
  }
  let maxEventTypes = DEFAULT_CONFIG.maxEventTypes;
  if (limits.maxEventTypes !== undefined) {
    if (typeof limits.maxEventTypes !== 'number' || !Number.isInteger(limits.maxEventTypes) || limits.maxEventTypes < 1)
      throw new LintConfigError(`${file}: limits.maxEventTypes must be a positive integer`);
    maxEventTypes = limits.maxEventTypes;
  }
  const target = isObj(lint.target) ? lint.target : {};
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- any YAML value; the version check below rejects what is not one
  const macos = target.macos === undefined ? undefined : String(target.macos);
  if (macos !== undefined && !/^\d+(\.\d+){0,2}$/.test(macos))
    throw new LintConfigError(`${file}: target.macos must be a version like 13.0`);
  return {
    file,
    checks,
    rules,
    maxTimespanUs,
    warnTimespanUs: DEFAULT_CONFIG.warnTimespanUs,
    maxEventTypes,
    targetMacos: macos,
  };
}

export function readLintConfig(file: string): LintConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new LintConfigError(
      `cannot read config ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  return parseLintConfig(text, file);
}

/**
 * Finds nightjar.config.yaml for a rule path: in the path (if a directory) or its parents, up to
 * the repository root (a directory holding .git) or the filesystem root.
 */
export function findLintConfig(start: string): string | undefined {
  let dir = path.resolve(start);
  try {
    if (!statSync(dir).isDirectory()) dir = path.dirname(dir);
  } catch {
    dir = path.dirname(dir);
  }
  for (;;) {
    const f = path.join(dir, CONFIG_FILE);
    if (existsSync(f)) return f;
    if (existsSync(path.join(dir, '.git'))) return undefined;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** The effective level of a check for a rule (per-rule config wins over global, global over default). */
export function levelFor(cfg: LintConfig, checkId: CheckId, ruleKeys: readonly (string | undefined)[]): Level {
  for (const k of ruleKeys) {
    if (k === undefined) continue;
    const l = cfg.rules.get(k)?.get(checkId);
    if (l) return l;
  }
  return cfg.checks.get(checkId) ?? CHECKS_BY_ID.get(checkId)!.severity;
}

/** Compares dotted versions: <0, 0, >0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** A check id as given on the command line or in a comment: with or without the `nj/` prefix. */
export function checkIdFrom(raw: string, where: string): CheckId {
  const id = raw.startsWith('nj/') ? raw : `nj/${raw}`;
  if (isCheckId(id)) return id;
  const near = [...CHECKS_BY_ID.keys()].filter((k) => k.includes(raw.replace(/^nj\//, '').split('-')[0]!));
  throw new LintConfigError(
    `${where}: unknown check '${raw}'${near.length ? ` (did you mean ${near.slice(0, 3).join(', ')}?)` : ''}; docs/lint.md in the CLI package lists the checks`,
  );
}

/**
 * The command line's --disable / --enable over a configuration: a disabled check is off everywhere;
 * an enabled one is back at its default severity where the configuration turned it off globally
 * (per-rule settings stay). --disable wins when a check is named by both.
 */
export function withCheckOverrides(
  cfg: LintConfig,
  o: { readonly disable?: readonly string[]; readonly enable?: readonly string[] },
): LintConfig {
  if (!o.disable?.length && !o.enable?.length) return cfg;
  const checks = new Map(cfg.checks);
  for (const raw of o.enable ?? []) {
    const id = checkIdFrom(raw, '--enable');
    if (checks.get(id) === 'off') checks.set(id, CHECKS_BY_ID.get(id)!.severity);
  }
  for (const raw of o.disable ?? []) checks.set(checkIdFrom(raw, '--disable'), 'off');
  return { ...cfg, checks };
}
