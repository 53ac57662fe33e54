/**
 * What the binaries and scripts the atomics ship (in their `bin/` and `src/` folders, which the
 * corpus does not include) do on a Mac, as far as their atomic's description says. Keyed by the
 * absolute path the atomic runs them from.
 */
import { FFLAG } from '../es.js';
import type { Machine } from './interp.js';

type Payload = (m: Machine, p: import('../world.js').Proc, args: string[]) => void;

export const PAYLOADS: Map<string, Payload> = new Map<string, Payload>([
  // pcap demo: opens a Berkeley packet filter device to capture.
  ['/tmp/t1040_macos_pcapdemo', (m, p) => m.w.open(p, '/dev/bpf1', FFLAG.FREAD | FFLAG.FWRITE)],
  // Loads a kernel extension through IOKit's KextManagerLoadKextWithURL.
  ['/tmp/T1547006_iokit_loader', (m, p) => m.w.kextload(p, 'com.softraid.driver.SoftRAID')],
  // Appends an application to the Re-opened Applications list of the loginwindow plist it is given.
  [
    '/tmp/t1547007_append_exe',
    (m, p, args) => {
      const f = args[0] ?? '';
      m.w.open(p, f, FFLAG.FREAD | FFLAG.FWRITE);
      m.w.write(p, f, 2048);
      m.w.close(p, f, true);
    },
  ],
  // Changes the mode of the file it is given (chmod(2) from C).
  [
    '/tmp/T1222002',
    (m, p, args) => m.w.setmode(p, `${args[0] ?? '/tmp/'}${args[1] ?? ''}`.replace(/\/\//g, '/'), 0o100777),
  ],
  // Changes the owner of a file to root (chown(2) from C, run with sudo).
  ['/tmp/T1222002own', (m, p, args) => m.w.setowner(p, args[0] ?? '/tmp/x', 0, 0)],
]);
