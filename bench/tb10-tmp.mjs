import { fromFile } from './dist/from-file.js';
import { loadRules } from '@nightjar/rules';
import { readdirSync, readFileSync } from 'node:fs';
const d = readdirSync('/tmp').filter(d => d.startsWith('tb-')).map(d => '/tmp/' + d).pop();
const tasks = () => Object.fromEntries(readdirSync('/proc/self/task').map(t => { const s = readFileSync(`/proc/self/task/${t}/stat`, 'utf8'); const f = s.slice(s.lastIndexOf(')') + 2).split(' '); return [t, (Number(f[11]) + Number(f[12])) * 10]; }));
const rs = await loadRules([d + '/gen.yml']);
const before = tasks();
const t0 = performance.now();
fromFile.scan(d + '/hosts.jsonl', rs, true);
console.log('wall', (performance.now() - t0).toFixed(0));
const after = tasks();
for (const [k, v] of Object.entries(after)) { const dv = v - (before[k] ?? 0); if (dv > 0) console.log(k, dv, 'ms'); }
