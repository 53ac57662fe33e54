import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DecodeError, decodeLine, type NightjarEvent } from '@nightjar/core';
import { describe, expect, it } from 'vitest';
import { compileDetection } from '../../src/detection/index.js';
import { CTX } from '../detection/helpers.js';

const FILE = fileURLToPath(
  new URL('../../../../../shared/corpus/jamf-protect/telemetry-sample.jsonl', import.meta.url),
);
const exists = existsSync(FILE);

describe.skipIf(!exists)(
  'detection on real Jamf Protect ES events (skipped: ../shared/corpus/jamf-protect is absent)',
  () => {
    const events: NightjarEvent[] = exists
      ? readFileSync(FILE, 'utf8')
          .split('\n')
          .filter((l) => l.trim() !== '')
          .map((l, i) => decodeLine(l, i + 1))
          .filter((e): e is NightjarEvent => !(e instanceof DecodeError))
      : [];
    const execEv = events.find((e) => e.name === 'exec')!;
    const taxonomy = (detection: unknown) =>
      compileDetection({
        detection,
        logsource: { product: 'macos', category: 'process_creation' },
        fieldMapping: 'sigmahq-macos',
      });

    it('reads the real exec through the SigmaHQ mapping (object audit tokens with uuid)', () => {
      expect(execEv).toBeDefined();
      const d = taxonomy({
        sel: {
          'Image|endswith': '/zsh',
          'CommandLine|contains|all': ['-c', '/T/eicar'],
          User: '502',
          OriginalFileName: 'com.apple.zsh',
        },
        condition: 'sel',
      });
      expect(d.match(execEv, CTX)).toBe(true);
      expect(taxonomy({ sel: { 'Image|endswith': '/bash' }, condition: 'sel' }).match(execEv, CTX)).toBe(false);
    });
    it('falls back to the exec-ing image for ParentImage without lineage', () => {
      const parent = String((execEv.msg!.process!.executable as { path: string }).path);
      expect(taxonomy({ sel: { ParentImage: parent }, condition: 'sel' }).match(execEv, CTX)).toBe(true);
    });
    it('native rules read vendor keys (host) and keywords search them', () => {
      const sudo = events.find((e) => e.name === 'sudo');
      const native = (category: string, detection: unknown) =>
        compileDetection({
          detection,
          logsource: { product: 'macos', service: 'endpointsecurity', category },
          fieldMapping: null,
        });
      expect(native('exec', { sel: { 'host.hostname': 'macbookpro' }, condition: 'sel' }).match(execEv, CTX)).toBe(
        true,
      );
      expect(native('exec', { kw: ['MacBookPro'], condition: 'kw' }).match(execEv, CTX)).toBe(true);
      expect(sudo).toBeDefined();
      expect(native('sudo', { sel: { 'event.sudo.success|exists': true }, condition: 'sel' }).match(sudo!, CTX)).toBe(
        true,
      );
    });
  },
);
