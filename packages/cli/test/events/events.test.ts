import { describe, expect, it } from 'vitest';
import { cli } from '../options/fake-io.js';

describe('nightjar events', () => {
  it('lists the event types the rules need, one per line', async () => {
    const r = await cli(['events', 'rules']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('exec\nexit\nfork\nopen\n');
  });
  it('prints an eslogger command line', async () => {
    const r = await cli(['events', 'rules', '--format', 'eslogger']);
    expect(r.stdout).toBe('sudo eslogger exec exit fork open\n');
  });
  it('names each event type that needs a newer macOS than eslogger, and --macos leaves out what that version lacks', async () => {
    // The bundled ruleset has a tcc_modify rule (macOS 15.4).
    const all = await cli(['events', '--format', 'eslogger']);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/ tcc_modify( |\n)/);
    expect(all.stderr).toMatch(/'tcc_modify' needs macOS 15\.4 or later/);
    const old = await cli(['events', '--macos', '13']);
    expect(old.code).toBe(0);
    expect(old.stdout.split('\n')).not.toContain('tcc_modify');
    expect(old.stdout.split('\n')).toContain('exec');
    expect(old.stderr).toMatch(/'tcc_modify' needs macOS 15\.4; left out for macOS 13 \(rules: [^)]+\)/);
    const current = await cli(['events', '--macos', '15.4']);
    expect(current.stdout.split('\n')).toContain('tcc_modify');
    const bad = await cli(['events', '--macos', 'sonoma']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--macos expects a version like 13 or 14\.4, got 'sonoma'/);
  });
  it('json names the rules behind each type, with ES numbers and macOS versions', async () => {
    const r = await cli(['events', 'rules/ssh-key-open.yml', '-f', 'json']);
    const j = JSON.parse(r.stdout);
    expect(j.event_types).toEqual(['exec', 'exit', 'fork', 'open']);
    expect(j.lineage).toBe(true);
    expect(j.types).toEqual([
      { name: 'exec', es_event_type: 9, macos: '10.15', rules: ['lineage'] },
      { name: 'exit', es_event_type: 15, macos: '10.15', rules: ['lineage'] },
      { name: 'fork', es_event_type: 11, macos: '10.15', rules: ['lineage'] },
      { name: 'open', es_event_type: 10, macos: '10.15', rules: ['7b0c0e8e-5a35-4c55-9a4e-0c1f0f6a2a02'] },
    ]);
  });
  it('exits 2 on bad rules, with file:line:col', async () => {
    const r = await cli(['events', 'bad-rules']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken\.yml:\d+:\d+/);
    expect(r.stdout).toBe('');
  });
  it('exits 2 on an unknown format or flag', async () => {
    expect((await cli(['events', 'rules', '-f', 'yaml'])).code).toBe(2);
    expect((await cli(['events', '--nope'])).code).toBe(2);
  });
});

describe('nightjar events with lineage', () => {
  it('lists fork, exec and exit for lineage, and says why', async () => {
    const r = await cli(['events', 'lineage-rules', '-f', 'json']);
    const j = JSON.parse(r.stdout);
    expect(j.lineage).toBe(true);
    expect([...j.event_types].sort()).toEqual(['exec', 'exit', 'fork']);
    expect(j.types.find((t: { name: string }) => t.name === 'fork').rules).toEqual(['lineage']);
    expect(j.types.find((t: { name: string }) => t.name === 'exec').rules).toEqual([
      '7b0c0e8e-5a35-4c55-9a4e-0c1f0f6a2a04',
      'lineage',
    ]);
  });
});

describe('events and watch agree on a ruleset that reads no lineage', () => {
  it('events prints the engine list (fork, exec, exit for the lineage cache), as watch subscribes', async () => {
    const r = await cli(['events', 'rules/ssh-key-open.yml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('exec\nexit\nfork\nopen\n');
  });
});
