/**
 * The p-th percentile (0–100) of `values` by linear interpolation between closest ranks (the
 * "linear" method of numpy and R type 7): p=50 is the median, p=0 the minimum, p=100 the maximum.
 * Sorts `values` in place (the caller passes a scratch buffer). NaN for an empty input.
 */
export function percentileOf(values: Float64Array, p: number): number {
  const n = values.length;
  if (n === 0) return NaN;
  values.sort();
  const q = Math.min(100, Math.max(0, p)) / 100;
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  if (lo === hi) return values[lo]!;
  return values[lo]! + (values[hi]! - values[lo]!) * (pos - lo);
}
