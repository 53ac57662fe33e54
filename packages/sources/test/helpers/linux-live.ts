import { addonAvailable } from '@nightjar/native-es';

/** Why the live Linux backend tests cannot run here ('' when they can): they need Linux, the addon and root. */
export function linuxLiveSkipReason(): string {
  if (process.platform !== 'linux') return 'not Linux';
  if (!addonAvailable()) return 'native addon not built';
  if (process.getuid?.() !== 0) return 'needs root (CI runs it as root)';
  return '';
}

export type Obj = Record<string, any>;
