import { openThreadedScan } from '@nightjar/sources';
import { readdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
const d = readdirSync('/tmp').filter(d => d.startsWith('tb-')).map(d => '/tmp/' + d).pop();
for (const n of [1, 2, 2]) {
  const c0 = process.cpuUsage(); const t0 = performance.now(); const elu0 = performance.eventLoopUtilization();
  const scan = openThreadedScan([d + '/hosts.jsonl'], { threads: n, rules: { module: d + '/threads-rules.mjs', args: d + '/gen.yml' } });
  let a = 0; for await (const b of scan) a += b.alerts.length;
  const c = process.cpuUsage(c0); const elu = performance.eventLoopUtilization(elu0);
  console.log('threads', n, 'wall', (performance.now() - t0).toFixed(0), 'proc cpu', ((c.user + c.system) / 1000).toFixed(0), 'main ELU', elu.utilization.toFixed(2), a);
}
