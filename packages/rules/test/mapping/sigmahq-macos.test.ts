import { describe, expect, it } from 'vitest';
import { compileDetection, compileFieldForRule, logsourceEventTypes } from '../../src/detection/index.js';
import { compileRuleText } from '../../src/load/index.js';
import { CTX, compileError, event, exec, lineage, proc } from '../detection/helpers.js';

const M = 'sigmahq-macos';
const ls = (category: string) => ({ product: 'macos', category });
const get = (field: string, category: string, ev: ReturnType<typeof event>, ctx = CTX) =>
  compileFieldForRule(field, ls(category), M).get(ev, ctx);

describe('logsources', () => {
  it('maps SigmaHQ categories to ES event types', () => {
    expect(logsourceEventTypes(ls('process_creation'), M)).toEqual(['exec']);
    expect(logsourceEventTypes(ls('file_event'), M)).toEqual(['create', 'rename', 'close', 'write']);
    expect(logsourceEventTypes(ls('file_delete'), M)).toEqual(['unlink']);
    expect(logsourceEventTypes(ls('file_rename'), M)).toEqual(['rename']);
    expect(logsourceEventTypes(ls('file_access'), M)).toEqual(['open']);
    expect(logsourceEventTypes(ls('file_change'), M)).toEqual(['utimes']);
    expect(logsourceEventTypes(ls('process_termination'), M)).toEqual(['exit']);
    expect(logsourceEventTypes(ls('image_load'), M)).toEqual(['mmap']);
    expect(logsourceEventTypes(ls('driver_load'), M)).toEqual(['kextload']);
    expect(logsourceEventTypes(ls('create_remote_thread'), M)).toEqual(['remote_thread_create']);
    expect(logsourceEventTypes(ls('process_access'), M)).toEqual(['get_task']);
  });
  it('accepts a generic category without product', () => {
    expect(logsourceEventTypes({ category: 'process_creation' }, M)).toEqual(['exec']);
  });
  it('rejects categories with no ES equivalent, naming why', () => {
    const e = compileError(() => logsourceEventTypes(ls('network_connection'), M));
    expect(e.code).toBe('NJ_UNSUPPORTED_LOGSOURCE');
    expect(e.message).toMatch(/network/i);
    expect(e.path).toEqual(['logsource', 'category']);
    expect(compileError(() => logsourceEventTypes(ls('dns_query'), M)).code).toBe('NJ_UNSUPPORTED_LOGSOURCE');
    expect(compileError(() => logsourceEventTypes(ls('no_such_category'), M)).code).toBe('NJ_UNSUPPORTED_LOGSOURCE');
  });
  it('rejects other products and services', () => {
    expect(
      compileError(() => logsourceEventTypes({ product: 'windows', category: 'process_creation' }, M)).path,
    ).toEqual(['logsource', 'product']);
    expect(compileError(() => logsourceEventTypes({ product: 'macos', service: 'unifiedlog' }, M)).path).toEqual([
      'logsource',
      'service',
    ]);
    expect(compileError(() => logsourceEventTypes({ product: 'macos' }, M)).code).toBe('NJ_UNSUPPORTED_LOGSOURCE');
  });
  it('native ES logsources use the event name as category, aliases resolved', () => {
    const native = (category?: string) => ({
      product: 'macos',
      service: 'endpointsecurity',
      ...(category ? { category } : {}),
    });
    expect(logsourceEventTypes(native('btm_launch_item_add'), null)).toEqual(['btm_launch_item_add']);
    expect(logsourceEventTypes(native('cs_invalidate'), null)).toEqual(['cs_invalidated']);
    expect(logsourceEventTypes(native(), null)).toBeNull();
    const e = compileError(() => logsourceEventTypes(native('process_creation'), null));
    expect(e.code).toBe('NJ_UNKNOWN_EVENT_TYPE');
    expect(e.path).toEqual(['logsource', 'category']);
  });
  it('taxonomy rules need the mapping; unknown mappings are errors', () => {
    expect(compileError(() => logsourceEventTypes(ls('process_creation'), null)).code).toBe('NJ_UNSUPPORTED_LOGSOURCE');
    expect(compileError(() => logsourceEventTypes(ls('process_creation'), 'ecs')).code).toBe(
      'NJ_UNKNOWN_FIELD_MAPPING',
    );
  });
});

describe('process_creation fields (subject: the exec target)', () => {
  const target = { signing_id: 'com.example.tool', team_id: 'ABCDE12345', cdhash: 'AB12', euid: 0 };
  const ev = exec(
    '/usr/local/bin/tool',
    ['tool', '--flag', 'a b'],
    {},
    { ...target, audit_token: { auid: 501, euid: 0, egid: 0, ruid: 501, rgid: 20, pid: 200, asid: 1, pidversion: 2 } },
  );
  it('Image is the target executable, not the exec-ing image', () => {
    expect(get('Image', 'process_creation', ev)).toBe('/usr/local/bin/tool');
  });
  it('CommandLine is the args joined by spaces', () => {
    expect(get('CommandLine', 'process_creation', ev)).toBe('tool --flag a b');
  });
  it('ProcessId, ProcessGuid and User come from the target audit token (User is the euid as a string)', () => {
    expect(get('ProcessId', 'process_creation', ev)).toBe(200);
    expect(get('ProcessGuid', 'process_creation', ev)).toBe('200:2');
    expect(get('User', 'process_creation', ev)).toEqual(['0', 'root']);
  });
  it('User: root and User: 0 both match uid 0; other names do not resolve', () => {
    const d = (v: unknown) =>
      compileDetection({
        detection: { s: { User: v }, condition: 's' },
        logsource: ls('process_creation'),
        fieldMapping: M,
      });
    expect(d('root').match(ev, CTX)).toBe(true);
    expect(d(0).match(ev, CTX)).toBe(true);
    expect(d('ROOT').match(ev, CTX)).toBe(true);
    const bob = exec('/bin/ls', ['ls'], {}, { audit_token: [501, 501, 20, 501, 20, 9, 1, 1] });
    expect(d('root').match(bob, CTX)).toBe(false);
    expect(d('501').match(bob, CTX)).toBe(true);
  });
  it('reads v10 array audit tokens too', () => {
    const v10 = exec('/bin/ls', ['ls'], {}, { audit_token: [501, 502, 20, 501, 20, 4242, 1, 7] });
    expect(get('ProcessId', 'process_creation', v10)).toBe(4242);
    expect(get('User', 'process_creation', v10)).toBe('502');
    expect(get('ParentUser', 'process_creation', v10)).toBe('501');
    expect(get('ProcessGuid', 'process_creation', v10)).toBe('4242:7');
  });
  it('OriginalFileName is the signing id; SigningId, TeamId, Hashes, CurrentDirectory', () => {
    expect(get('OriginalFileName', 'process_creation', ev)).toBe('com.example.tool');
    expect(get('SigningId', 'process_creation', ev)).toBe('com.example.tool');
    expect(get('TeamId', 'process_creation', ev)).toBe('ABCDE12345');
    expect(get('Hashes', 'process_creation', ev)).toBe('CDHASH=AB12');
    expect(get('CurrentDirectory', 'process_creation', ev)).toBe('/Users/me');
  });
  it('ParentProcessId, ParentProcessGuid and ParentUser need no lineage', () => {
    expect(get('ParentProcessId', 'process_creation', ev)).toBe(150);
    expect(get('ParentProcessGuid', 'process_creation', ev)).toBe('1:1');
    expect(get('ParentUser', 'process_creation', ev)).toBe('501');
    expect(compileFieldForRule('ParentProcessId', ls('process_creation'), M).usesLineage).toBe(false);
  });
  it('ParentImage reads lineage and falls back to the exec-ing image', () => {
    expect(compileFieldForRule('ParentImage', ls('process_creation'), M).usesLineage).toBe(true);
    const withParent = lineage(new Map([[ev, proc('/Applications/Safari.app/Contents/MacOS/Safari', 150)]]));
    expect(get('ParentImage', 'process_creation', ev, withParent)).toBe(
      '/Applications/Safari.app/Contents/MacOS/Safari',
    );
    // Unknown parent: the process that called exec (after fork, the parent's image).
    expect(get('ParentImage', 'process_creation', ev, CTX)).toBe('/bin/zsh');
  });
  it('ParentCommandLine is the parent’s args when lineage kept them, else absent', () => {
    const parent = { ...proc('/bin/bash', 150), args: ['bash', '-c', 'x'] };
    expect(get('ParentCommandLine', 'process_creation', ev, lineage(new Map([[ev, parent]])))).toBe('bash -c x');
    expect(get('ParentCommandLine', 'process_creation', ev, CTX)).toBeUndefined();
  });
  it('ParentCommandLine reads LineageResolver.args when the resolver has it', () => {
    const parent = proc('/bin/bash', 150);
    const base = lineage(new Map([[ev, parent]]));
    const ctx = {
      lineage: { ...base.lineage, args: (p: unknown) => (p === parent ? ['bash', '-lc', 'make'] : undefined) },
    };
    expect(get('ParentCommandLine', 'process_creation', ev, ctx)).toBe('bash -lc make');
  });
  it('missing args give no CommandLine (so CommandLine: null matches)', () => {
    const bare = event('exec', { target: proc('/bin/ls', 1) });
    expect(get('CommandLine', 'process_creation', bare)).toBeUndefined();
    const d = compileDetection({
      detection: { n: { CommandLine: null }, condition: 'n' },
      logsource: ls('process_creation'),
      fieldMapping: M,
    });
    expect(d.match(bare, CTX)).toBe(true);
  });
  it('dotted names in taxonomy rules are native ES paths', () => {
    expect(get('event.exec.target.team_id', 'process_creation', ev)).toBe('ABCDE12345');
    expect(compileFieldForRule('parent.signing_id', ls('process_creation'), M).usesLineage).toBe(true);
  });
  it('unmapped fields are errors with the key path and the mapped names', () => {
    const e = compileError(() =>
      compileDetection({
        detection: { sel: { 'IntegrityLevel|contains': 'High' }, condition: 'sel' },
        logsource: ls('process_creation'),
        fieldMapping: M,
      }),
    );
    expect(e.code).toBe('NJ_UNMAPPED_FIELD');
    expect(e.path).toEqual(['detection', 'sel', 'IntegrityLevel|contains']);
    expect((e as { key?: boolean }).key).toBe(true);
    expect(e.message).toContain('CommandLine');
  });
  it('bad native paths are NJ_FIELD_PATH errors', () => {
    const e = compileError(() =>
      compileDetection({
        detection: { sel: { 'event..x': 'a' }, condition: 'sel' },
        logsource: { product: 'macos', service: 'endpointsecurity', category: 'open' },
        fieldMapping: null,
      }),
    );
    expect(e.code).toBe('NJ_FIELD_PATH');
    expect(e.path).toEqual(['detection', 'sel', 'event..x']);
  });
  it('info lists the fields with their resolution', () => {
    const d = compileDetection({
      detection: { sel: { 'Image|endswith': '/sh', CommandLine: 'x' }, condition: 'sel' },
      logsource: ls('process_creation'),
      fieldMapping: M,
    });
    expect(d.info.fields.map((f) => [f.name, f.resolved, f.eventTypes])).toEqual([
      ['Image', 'event.exec.target.executable.path', ['exec']],
      ['CommandLine', "event.exec.args joined by ' '", ['exec']],
    ]);
  });
});

describe('file categories (subject: the actor)', () => {
  const actor = proc('/usr/bin/curl', 300);
  it('file_event TargetFilename: create existing_file, create new_path, rename destination', () => {
    expect(
      get(
        'TargetFilename',
        'file_event',
        event('create', { destination_type: 0, destination: { existing_file: { path: '/tmp/a' } } }, actor),
      ),
    ).toBe('/tmp/a');
    expect(
      get(
        'TargetFilename',
        'file_event',
        event(
          'create',
          { destination_type: 1, destination: { new_path: { dir: { path: '/tmp' }, filename: 'b', mode: 420 } } },
          actor,
        ),
      ),
    ).toBe('/tmp/b');
    expect(
      get(
        'TargetFilename',
        'file_event',
        event(
          'rename',
          { source: { path: '/tmp/x' }, destination_type: 0, destination: { existing_file: { path: '/tmp/y' } } },
          actor,
        ),
      ),
    ).toBe('/tmp/y');
    expect(get('Image', 'file_event', event('create', {}, actor))).toBe('/usr/bin/curl');
  });
  it('file_rename has SourceFilename; file_delete and file_access read their targets', () => {
    const ren = event(
      'rename',
      { source: { path: '/tmp/x' }, destination: { new_path: { dir: { path: '/tmp/' }, filename: 'z' } } },
      actor,
    );
    expect(get('SourceFilename', 'file_rename', ren)).toBe('/tmp/x');
    expect(get('TargetFilename', 'file_rename', ren)).toBe('/tmp/z');
    expect(
      get(
        'TargetFilename',
        'file_delete',
        event('unlink', { target: { path: '/etc/x' }, parent_dir: { path: '/etc' } }, actor),
      ),
    ).toBe('/etc/x');
    expect(
      get('TargetFilename', 'file_access', event('open', { file: { path: '/etc/passwd' }, fflag: 1 }, actor)),
    ).toBe('/etc/passwd');
  });
  it('a field read from an event of another type is absent', () => {
    expect(get('TargetFilename', 'file_event', event('unlink', { target: { path: '/x' } }, actor))).toBeUndefined();
  });
  it('image_load, driver_load, process_termination', () => {
    expect(get('ImageLoaded', 'image_load', event('mmap', { source: { path: '/usr/lib/libx.dylib' } }, actor))).toBe(
      '/usr/lib/libx.dylib',
    );
    expect(get('ImageLoaded', 'driver_load', event('kextload', { identifier: 'com.evil.kext' }, actor))).toBe(
      'com.evil.kext',
    );
    expect(get('Image', 'process_termination', event('exit', { stat: 0 }, actor))).toBe('/usr/bin/curl');
  });
  it('create_remote_thread and process_access have Source* and Target*', () => {
    const t = proc('/usr/bin/victim', 400);
    const ev = event('get_task', { target: t, type: 0 }, actor);
    expect(get('SourceImage', 'process_access', ev)).toBe('/usr/bin/curl');
    expect(get('TargetImage', 'process_access', ev)).toBe('/usr/bin/victim');
    expect(get('TargetProcessId', 'process_access', ev)).toBe(400);
    const rt = event('remote_thread_create', { target: t }, actor);
    expect(get('TargetImage', 'create_remote_thread', rt)).toBe('/usr/bin/victim');
  });
  it('file_event rules match a file created, renamed into place, or whose contents changed', () => {
    // SigmaHQ's own shape: a selection on TargetFilename plus a filter on Image.
    const d = compileDetection({
      detection: {
        sel: { 'TargetFilename|startswith': '/etc/emond.d/rules/' },
        filter: { Image: '/usr/sbin/installer' },
        condition: 'sel and not filter',
      },
      logsource: ls('file_event'),
      fieldMapping: M,
    });
    expect(d.eventTypes).toEqual(['create', 'rename', 'close', 'write']);
    const rule = '/etc/emond.d/rules/evil.plist';
    const cases: [string, ReturnType<typeof event>, boolean][] = [
      [
        'create existing_file',
        event('create', { destination_type: 0, destination: { existing_file: { path: rule } } }, actor),
        true,
      ],
      [
        'create new_path',
        event(
          'create',
          {
            destination_type: 1,
            destination: { new_path: { dir: { path: '/etc/emond.d/rules' }, filename: 'evil.plist', mode: 420 } },
          },
          actor,
        ),
        true,
      ],
      [
        'rename onto an existing file',
        event(
          'rename',
          { source: { path: '/tmp/x' }, destination_type: 0, destination: { existing_file: { path: rule } } },
          actor,
        ),
        true,
      ],
      [
        'rename to a new path',
        event(
          'rename',
          {
            source: { path: '/tmp/x' },
            destination_type: 1,
            destination: { new_path: { dir: { path: '/etc/emond.d/rules/' }, filename: 'evil.plist' } },
          },
          actor,
        ),
        true,
      ],
      [
        'close modified: true (overwritten in place)',
        event('close', { modified: true, target: { path: rule }, was_mapped_writable: false }, actor),
        true,
      ],
      ['write', event('write', { target: { path: rule } }, actor), true],
      [
        'close modified: false (only read)',
        event('close', { modified: false, target: { path: rule }, was_mapped_writable: false }, actor),
        false,
      ],
      ['close without modified', event('close', { target: { path: rule } }, actor), false],
      [
        'close modified: true elsewhere',
        event('close', { modified: true, target: { path: '/tmp/notes.txt' } }, actor),
        false,
      ],
      [
        'create by the filtered image',
        event(
          'create',
          { destination_type: 0, destination: { existing_file: { path: rule } } },
          proc('/usr/sbin/installer', 9),
        ),
        false,
      ],
      [
        'close modified: true by the filtered image',
        event('close', { modified: true, target: { path: rule } }, proc('/usr/sbin/installer', 9)),
        false,
      ],
    ];
    for (const [name, ev, want] of cases) expect(d.match(ev, CTX), name).toBe(want);
  });
  it('a file_event rule asks the source for every event type it covers', () => {
    const rs = compileRuleText(`title: periodic script
id: 00000000-0000-4000-8000-00000000f11e
logsource: {product: macos, category: file_event}
detection:
  sel: {TargetFilename|startswith: /etc/periodic/}
  condition: sel
`);
    expect(rs.requiredEventTypes()).toEqual(['close', 'create', 'rename', 'write']);
  });
  it('file_event on an unmodified close reads every field as absent', () => {
    const ev = event('close', { modified: false, target: { path: '/etc/periodic/daily/999.evil' } }, actor);
    for (const f of ['TargetFilename', 'Image', 'ProcessId', 'User', 'ParentImage'])
      expect(get(f, 'file_event', ev), f).toBeUndefined();
    const mod = event('close', { modified: true, target: { path: '/etc/periodic/daily/999.evil' } }, actor);
    expect(get('TargetFilename', 'file_event', mod)).toBe('/etc/periodic/daily/999.evil');
    expect(get('Image', 'file_event', mod)).toBe('/usr/bin/curl');
    expect(get('ProcessId', 'file_event', mod)).toBe(300);
  });
});
