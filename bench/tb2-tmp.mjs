import { ByteLineSplitter } from '../packages/sources/dist/lines.js';
import { hostOfLine, HostRouter } from '../packages/sources/dist/threads/route.js';
import { readSync, openSync, closeSync, readdirSync } from 'node:fs';
const dirs = readdirSync('/tmp').filter(d => d.startsWith('tb-')).map(d => '/tmp/' + d + '/hosts.jsonl');
const file = dirs[dirs.length - 1];
function pass(mode) {
  const fd = openSync(file, 'r'); const buf = Buffer.allocUnsafe(1 << 20);
  const router = new HostRouter(2); let n = 0; const out = Buffer.allocUnsafeSlow(2 << 20); let used = 0; const meta = [];
  const sp = new ByteLineSplitter((b, s, e, ln, off) => {
    n++;
    if (mode >= 1) { const w = router.route(hostOfLine(b, s, e)); }
    if (mode >= 2) { if (used + e - s > out.length) { used = 0; meta.length = 0; } b.copy(out, used, s, e); meta.push(used, used + e - s, ln, off, n); used += e - s; }
  });
  for (;;) { const k = readSync(fd, buf, 0, buf.length, null); if (!k) break; sp.push(k === buf.length ? buf : buf.subarray(0, k)); }
  sp.end(); closeSync(fd); return n;
}
for (const mode of [0, 1, 2, 0, 1, 2]) { const t = process.cpuUsage(); const n = pass(mode); const u = process.cpuUsage(t); console.log('mode', mode, ((u.user + u.system) / 1000).toFixed(0), 'ms', n); }
