import { openThreadedScan } from '@nightjar/sources';
import { readdirSync } from 'node:fs';
const d = readdirSync('/tmp').filter(d => d.startsWith('tb-')).map(d => '/tmp/' + d).pop();
const scan = openThreadedScan([d + '/hosts.jsonl'], { threads: 2, rules: { module: d + '/threads-rules.mjs', args: d + '/gen.yml' } });
let a = 0; for await (const b of scan) a += b.alerts.length;
console.log(a);
