import { loadRuleFiles } from '@nightjar/rules';
import { lint } from '@nightjar/ruletools';
const files = process.argv.slice(2);
const r = lint.lintDocuments(await loadRuleFiles(files, {}));
for (const f of r.findings) console.log(f.file.replace(/.*\//,''), f.line+':'+f.col, f.checkId, f.message, f.fix ? 'FIX' : '');
