import { fromFile } from './dist/from-file.js';
import { loadRules } from '@nightjar/rules';
import { readdirSync } from 'node:fs';
const d = readdirSync('/tmp').filter(d => d.startsWith('tb-')).map(d => '/tmp/' + d).pop();
const rs = await loadRules([d + '/gen.yml']);
for (let i = 0; i < 4; i++) {
  const c0 = process.cpuUsage(); const t0 = performance.now();
  const a = fromFile.scan(d + '/hosts.jsonl', rs, true);
  const c = process.cpuUsage(c0);
  console.log('single wall', (performance.now() - t0).toFixed(0), 'cpu', ((c.user + c.system) / 1000).toFixed(0), a);
  const c1 = process.cpuUsage(); const t1 = performance.now();
  fromFile.parse(d + '/hosts.jsonl');
  const cc = process.cpuUsage(c1);
  console.log('parse wall', (performance.now() - t1).toFixed(0), 'cpu', ((cc.user + cc.system) / 1000).toFixed(0));
}
