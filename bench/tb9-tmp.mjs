import { readFileSync, readdirSync } from 'node:fs';
const dirs = readdirSync('/tmp').filter(d => d.startsWith('tb-')).map(d => '/tmp/' + d + '/hosts.jsonl');
const lines = readFileSync(dirs[dirs.length - 1]).toString().split('\n').slice(0, 20000).map(l => Buffer.from(l));
function t(name, f) { const s = process.cpuUsage(); let x = 0; for (let r = 0; r < 5; r++) for (const l of lines) x += f(l); const u = process.cpuUsage(s); console.log(name.padEnd(20), ((u.user + u.system) / (5 * lines.length)).toFixed(3), 'us', x); }
for (const n of ['"host"', 'host"', 'host":', 'ost":', 'hostname', 'tname"', '"host":{"hostname":"']) { const b = Buffer.from(n); t(n, (l) => l.indexOf(b)); }
t('latin1 str + indexOf', (l) => l.latin1Slice(0, l.length).indexOf('host"'));
