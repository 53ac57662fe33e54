import { readFileSync, readdirSync } from 'node:fs';
const dirs = readdirSync('/tmp').filter(d => d.startsWith('tb-')).map(d => '/tmp/' + d + '/hosts.jsonl');
const lines = readFileSync(dirs[dirs.length - 1]).toString().split('\n').slice(0, 20000).map(l => Buffer.from(l));
const K = Buffer.from('"host"'), U = Buffer.from('\\u');
function t(name, f) { const s = process.cpuUsage(); let x = 0; for (let r = 0; r < 5; r++) for (const l of lines) x += f(l); const u = process.cpuUsage(s); console.log(name, ((u.user + u.system) / (5 * lines.length)).toFixed(3), 'us', x); }
t('indexOf "host" buf', (l) => l.indexOf(K));
t('indexOf \\u buf', (l) => l.indexOf(U));
t('indexOf byte 92', (l) => l.indexOf(92));
t('indexOf string needle', (l) => l.indexOf('"host"'));
t('lastIndexOf "host"', (l) => l.lastIndexOf(K));
t('latin1 toString', (l) => l.toString('latin1').length);
const strs = lines.map(l => l.toString('latin1'));
let i = 0;
t('str indexOf "host"', (l) => strs[(i++) % strs.length].indexOf('"host"'));
