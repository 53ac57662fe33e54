/** `nightjar test --variants`: the variants check of @nightjar/ruletools, wired to the test command's options. */
import { type tester, variants } from '@nightjar/ruletools';
import { type CliIO, EXIT_FINDINGS, EXIT_OK } from '../io.js';
import { type OutputSink, colorEnabled } from '../options.js';
import { palette } from '../output/color.js';

export async function runVariantsCheck(
  loaded: tester.LoadedRules,
  format: string,
  sink: OutputSink,
  io: CliIO,
  verbose: boolean,
  maxLineBytes: number | undefined,
  filter: string | RegExp | undefined,
): Promise<number> {
  const report = await variants.runVariants(loaded, { maxLineBytes, filter });
  const color = colorEnabled(io.env, sink.toFile ? false : io.stdout.isTTY);
  const text =
    format === 'json'
      ? variants.formatVariantsJson(report)
      : format === 'junit'
        ? variants.formatVariantsJunit(report)
        : variants.formatVariantsPretty(report, palette(color), { verbose, cwd: io.cwd });
  await sink.write(text);
  await sink.close();
  if (format !== 'pretty' || sink.toFile)
    io.stderr.write(`${variants.variantsSummaryLine(report, palette(colorEnabled(io.env, io.stderr.isTTY)))}\n`);
  // A rule that does not load cannot be checked: that fails the run too (details: `nightjar test`).
  const loadErrors = loaded.diagnostics.filter((d) => d.severity === 'error');
  for (const d of loadErrors) io.stderr.write(`${d.file}:${d.line}:${d.col}: ${d.message} [${d.code}]\n`);
  // A -t that matches nothing fails, as in `nightjar test`, so a typo in CI does not pass silently.
  if (filter !== undefined && report.rules.length === 0) {
    io.stderr.write(`nightjar test: no rule or case with a positive test matches -t ${String(filter)}\n`);
    return EXIT_FINDINGS;
  }
  return variants.variantsFailed(report) || loadErrors.length > 0 ? EXIT_FINDINGS : EXIT_OK;
}
