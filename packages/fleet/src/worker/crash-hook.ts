/**
 * Test-only fault injection, off unless NIGHTJAR_FLEET_TEST_CRASH_PARTITION names a partition: the
 * first worker to store an alert of that partition kills itself before acking the frame (the
 * crash window the alert ids exist for). One-shot across workers through a KV create.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';
import { FLEET_NAMES } from '../names.js';

export const CRASH_HOOK_ENV = 'NIGHTJAR_FLEET_TEST_CRASH_PARTITION';

export function crashHookFromEnv(
  nc: NatsConnection,
  env: NodeJS.ProcessEnv,
): ((partition: number) => Promise<void>) | undefined {
  const target = env[CRASH_HOOK_ENV];
  if (target === undefined || target === '') return undefined;
  let armed = true;
  return async (partition) => {
    if (!armed || partition !== Number(target)) return;
    armed = false;
    const kv = await new Kvm(nc).open(FLEET_NAMES.checkpoints);
    try {
      await kv.create('test-crash', String(process.pid));
    } catch {
      return; // another worker crashed already
    }
    process.kill(process.pid, 'SIGKILL');
  };
}
