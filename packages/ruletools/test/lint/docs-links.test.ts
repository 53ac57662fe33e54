import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Log as SarifLog } from 'sarif';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../src/lint/catalog.js';
import { DOCS_URL, formatSarif } from '../../src/lint/format.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../../..');

/** `git+https://github.com/owner/repo.git` → `owner/repo`. */
function repoOf(pkgDir: string): string {
  const pkg = JSON.parse(readFileSync(path.join(root, 'packages', pkgDir, 'package.json'), 'utf8')) as {
    repository?: { url?: string };
  };
  const m = /^(?:git\+)?https:\/\/github\.com\/([^/]+\/[^/]+?)(?:\.git)?$/.exec(pkg.repository?.url ?? '');
  if (!m) throw new Error(`packages/${pkgDir}/package.json: no GitHub repository url`);
  return m[1];
}

describe('links in lint output (SARIF informationUri/helpUri)', () => {
  const sarif = JSON.parse(formatSarif({ findings: [], files: [], documents: 0 }, root)) as SarifLog;
  const driver = sarif.runs[0].tool.driver;

  it('point into the repository every package.json names, at a file that exists', () => {
    const repos = new Set(
      readdirSync(path.join(root, 'packages'))
        .filter((d) => existsSync(path.join(root, 'packages', d, 'package.json')))
        .map(repoOf),
    );
    expect([...repos]).toEqual([repoOf('ruletools')]);
    const prefix = `https://github.com/${repoOf('ruletools')}/blob/main/`;
    expect(DOCS_URL.startsWith(prefix), DOCS_URL).toBe(true);
    expect(existsSync(path.join(root, DOCS_URL.slice(prefix.length)))).toBe(true);
    expect(driver.informationUri).toBe(DOCS_URL);
    for (const r of driver.rules ?? []) expect(r.helpUri?.startsWith(`${DOCS_URL}#`), r.helpUri).toBe(true);
  });

  it("each check's helpUri anchor is a heading of the linked page", () => {
    const page = readFileSync(path.join(root, 'packages/cli/docs/lint.md'), 'utf8');
    // GitHub's heading slug: lower case, punctuation other than '-' dropped, spaces as '-'.
    const slugs = new Set(
      [...page.matchAll(/^#+ (.+)$/gm)].map((m) =>
        m[1]
          .toLowerCase()
          .replace(/[^\p{L}\p{N} _-]/gu, '')
          .replace(/ /g, '-'),
      ),
    );
    const anchors = (driver.rules ?? []).map((r) => r.helpUri!.slice(DOCS_URL.length + 1));
    expect(anchors.length).toBe(CHECKS.length);
    expect(anchors.filter((a) => !slugs.has(a))).toEqual([]);
  });
});
