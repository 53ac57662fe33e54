import {
  FieldPathError,
  canonicalEventName,
  compileFieldPath as coreCompileFieldPath,
  isKnownEventName,
} from '@nightjar/core';
import type { FieldGetter } from '@nightjar/core';
import { RuleError } from '../errors.js';

/** The eslogger name for `name` (vendor aliases resolved), or undefined when ES has no such event. */
export function knownEventName(name: string): string | undefined {
  return isKnownEventName(name) ? canonicalEventName(name) : undefined;
}

/** Core's dotted-path compiler, with its FieldPathError turned into a RuleError at the rule's key path. */
export function compileFieldPath(
  path: string,
  at: readonly (string | number)[] = [],
): { get: FieldGetter; usesLineage: boolean } {
  try {
    return coreCompileFieldPath(path);
  } catch (e) {
    if (e instanceof FieldPathError) throw new RuleError('NJ_FIELD_PATH', e.message, at, { key: true });
    throw e;
  }
}
