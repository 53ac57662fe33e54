/** Helpers for reading a rule document's plain YAML data, which the checks see unvalidated. */
export type Path = (string | number)[];

export const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** A scalar or a list, as a list. */
export function valuesOf(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [v];
}

/** Long conditions are cut in messages (the location points at the whole thing). */
export function clip(src: string): string {
  return src.length > 100 ? `${src.slice(0, 97)}...` : src;
}
