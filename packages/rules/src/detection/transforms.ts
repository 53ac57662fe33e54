/**
 * Value transformations applied at load time (sigma.md §1.5): base64 / base64offset, UTF-16 encodings,
 * windash permutations, CIDR parsing and time parts. Nothing here runs per event except the small
 * CIDR and time-part readers.
 */

/** Bytes of a value: a "binary" string (one char per byte, after wide/utf16) or UTF-8 text. */
export function toBytes(s: string, binary: boolean): Buffer {
  return binary ? Buffer.from(s, 'latin1') : Buffer.from(s, 'utf8');
}

export function base64(s: string, binary: boolean): string {
  return toBytes(s, binary).toString('base64');
}

/** pySigma's SigmaBase64OffsetModifier: the value at the three byte offsets, without the unstable edges. */
export function base64offset(s: string, binary: boolean): string[] {
  const bytes = toBytes(s, binary);
  const startOffsets = [0, 2, 3];
  const endOffsets = [undefined, -3, -2];
  const out: string[] = [];
  for (let i = 0; i < 3; i++) {
    const enc = Buffer.concat([Buffer.alloc(i, 0x20), bytes]).toString('base64');
    out.push(enc.slice(startOffsets[i], endOffsets[(bytes.length + i) % 3]));
  }
  return out;
}

/** UTF-16 encodings as binary strings (one char per byte). */
export function utf16(s: string, kind: 'le' | 'be' | 'bom'): string {
  let out = kind === 'bom' ? '\xff\xfe' : '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const lo = String.fromCharCode(c & 0xff);
    const hi = String.fromCharCode(c >> 8);
    out += kind === 'be' ? hi + lo : lo + hi;
  }
  return out;
}

/** The dash characters windash substitutes: -, /, en dash, em dash, horizontal bar. */
export const WINDASH_CHARS = ['-', '/', '\u2013', '\u2014', '\u2015'] as const;
/** Upper bound on generated variants (5^5); more dash positions than that is rejected. */
export const WINDASH_MAX_VARIANTS = 3125;

/**
 * windash: every combination of the dash characters at each position where a `-` or `/` starts a
 * word (pySigma's regex `\B[-/]\b`); the dash inside `param-1` is left alone.
 */
export function windashVariants(s: string): string[] {
  const positions: number[] = [];
  const re = /\B[-/]\b/gu;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) positions.push(m.index);
  if (positions.length === 0) return [s];
  let variants = [''];
  let last = 0;
  for (const p of positions) {
    const chunk = s.slice(last, p);
    const next: string[] = [];
    for (const v of variants) for (const d of WINDASH_CHARS) next.push(v + chunk + d);
    variants = next;
    last = p + 1;
  }
  const tail = s.slice(last);
  return variants.map((v) => v + tail);
}

export function windashCount(s: string): number {
  const n = (s.match(/\B[-/]\b/gu) ?? []).length;
  return Math.pow(WINDASH_CHARS.length, n);
}

/** A parsed network: family, prefix bits and the address as 32-bit words (v4: 1 word, v6: 4). */
export interface Cidr {
  readonly v6: boolean;
  readonly words: readonly number[];
  readonly bits: number;
}

function parseV4(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let w = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    w = w * 256 + n;
  }
  return [w >>> 0];
}

function parseV6(input: string): number[] | undefined {
  let s = input;
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  const groups: number[] = [];
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two groups.
  const lastColon = s.lastIndexOf(':');
  if (lastColon >= 0 && s.slice(lastColon + 1).includes('.')) {
    const v4 = parseV4(s.slice(lastColon + 1));
    if (!v4) return undefined;
    s = `${s.slice(0, lastColon + 1)}${(v4[0]! >>> 16).toString(16)}:${(v4[0]! & 0xffff).toString(16)}`;
  }
  const dbl = s.indexOf('::');
  if (dbl !== s.lastIndexOf('::')) return undefined;
  const parseGroups = (t: string): number[] | undefined => {
    if (t === '') return [];
    const out: number[] = [];
    for (const g of t.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  if (dbl >= 0) {
    const head = parseGroups(s.slice(0, dbl));
    const tail = parseGroups(s.slice(dbl + 2));
    if (!head || !tail || head.length + tail.length > 7) return undefined;
    groups.push(...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail);
  } else {
    const all = parseGroups(s);
    if (!all || all.length !== 8) return undefined;
    groups.push(...all);
  }
  const words: number[] = [];
  for (let i = 0; i < 8; i += 2) words.push(((groups[i]! << 16) | groups[i + 1]!) >>> 0);
  return words;
}

/** Parse `a.b.c.d/n` or `v6/n` (no prefix: a single host). Undefined when malformed. */
export function parseCidr(s: string): Cidr | undefined {
  const slash = s.indexOf('/');
  const addr = slash >= 0 ? s.slice(0, slash) : s;
  const bitsStr = slash >= 0 ? s.slice(slash + 1) : undefined;
  const v6 = addr.includes(':');
  const words = v6 ? parseV6(addr) : parseV4(addr);
  if (!words) return undefined;
  const max = v6 ? 128 : 32;
  let bits = max;
  if (bitsStr !== undefined) {
    if (!/^\d{1,3}$/.test(bitsStr)) return undefined;
    bits = Number(bitsStr);
    if (bits > max) return undefined;
  }
  return { v6, words, bits };
}

function maskedEqual(a: readonly number[], b: readonly number[], bits: number): boolean {
  for (let i = 0; i < a.length && bits > 0; i++, bits -= 32) {
    const mask = bits >= 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0;
    if ((a[i]! & mask) >>> 0 !== (b[i]! & mask) >>> 0) return false;
  }
  return true;
}

/** A test for IP strings inside the network. IPv4-mapped IPv6 addresses match IPv4 networks. */
export function cidrTest(net: Cidr): (ip: string) => boolean {
  return (ip) => {
    if (ip.includes(':')) {
      const w = parseV6(ip);
      if (!w) return false;
      if (net.v6) return maskedEqual(w, net.words, net.bits);
      // ::ffff:a.b.c.d
      if (w[0] === 0 && w[1] === 0 && w[2] === 0xffff) return maskedEqual([w[3]!], net.words, net.bits);
      return false;
    }
    if (net.v6) return false;
    const w = parseV4(ip);
    return w !== undefined && maskedEqual(w, net.words, net.bits);
  };
}

export type TimePart = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';
export const TIME_PARTS: readonly TimePart[] = ['minute', 'hour', 'day', 'week', 'month', 'year'];

/** Days since 1970-01-01 → [year, month 1-12, day 1-31] (Howard Hinnant's civil_from_days). */
function civil(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [era * 400 + yoe + (m <= 2 ? 1 : 0), m, d];
}

/** ISO 8601 week number of a day (days since the epoch, UTC). */
function isoWeek(days: number): number {
  const dow = (((days + 3) % 7) + 7) % 7; // 0 = Monday (1970-01-01 was a Thursday)
  const thursday = days - dow + 3;
  const [y] = civil(thursday);
  const jan1 = Math.floor(Date.UTC(y, 0, 1) / 86_400_000);
  return Math.floor((thursday - jan1) / 7) + 1;
}

/**
 * The UTC time part of a field value: an RFC 3339 string (ES times) or a number of microseconds
 * since the epoch (Nightjar's event time). Undefined when the value is not a time.
 */
export function timePart(v: unknown, part: TimePart): number | undefined {
  let ms: number;
  if (typeof v === 'string') {
    ms = Date.parse(v);
    if (Number.isNaN(ms)) return undefined;
  } else if (typeof v === 'number' && Number.isFinite(v)) {
    ms = Math.floor(v / 1000);
  } else return undefined;
  switch (part) {
    case 'minute':
      return Math.floor(ms / 60_000) - Math.floor(ms / 3_600_000) * 60;
    case 'hour':
      return Math.floor(ms / 3_600_000) - Math.floor(ms / 86_400_000) * 24;
    default: {
      const days = Math.floor(ms / 86_400_000);
      if (part === 'week') return isoWeek(days);
      const [y, m, d] = civil(days);
      return part === 'day' ? d : part === 'month' ? m : y;
    }
  }
}
