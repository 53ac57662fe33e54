// The fleet rows alone: node bench/fleet-only.mjs <events> <rounds> (after npx tsc -b), from the repository root.
import { fleetBench } from './dist/fleet.js';
import { loadRules, bundledRulesDir } from '@nightjar/rules';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
const src = gunzipSync(readFileSync('fixtures/benign-baseline.jsonl.gz')).toString('utf8').split('\n').filter(Boolean);
const t0 = Date.now();
const r = await fleetBench(await loadRules([bundledRulesDir()]), src, +process.argv[2], +process.argv[3]);
console.log(
  JSON.stringify({
    ...r,
    ratioOne: r.oneWorker / r.inProcess,
    ratioTwoWall: r.twoWorkers / r.oneWorker,
    ratioTwoCpu: r.cpuPerKTwo / r.cpuPerKOne,
    seconds: (Date.now() - t0) / 1000,
  }),
);
process.exit(0);
