import { openThreadedScan } from '@nightjar/sources';
import { readdirSync, readFileSync } from 'node:fs';
const d = readdirSync('/tmp').filter(d => d.startsWith('tb-')).map(d => '/tmp/' + d).pop();
const n = Number(process.argv[2] ?? 2);
const tasks = () => Object.fromEntries(readdirSync('/proc/self/task').map(t => { const s = readFileSync(`/proc/self/task/${t}/stat`, 'utf8'); const name = s.slice(s.indexOf('(') + 1, s.lastIndexOf(')')); const f = s.slice(s.lastIndexOf(')') + 2).split(' '); return [t + ' ' + name, (Number(f[11]) + Number(f[12])) * 10]; }));
const before = tasks();
let last = {};
const iv = setInterval(() => { last = { ...last, ...tasks() }; }, 50);
const scan = openThreadedScan([d + '/hosts.jsonl'], { threads: n, rules: { module: d + '/threads-rules.mjs', args: d + '/gen.yml' } });
let a = 0; for await (const b of scan) { a += b.alerts.length; }
clearInterval(iv);
const after = { ...last, ...tasks() };
for (const [k, v] of Object.entries(after)) { const dv = v - (before[k] ?? 0); if (dv > 0) console.log(k.padEnd(30), dv, 'ms'); }
