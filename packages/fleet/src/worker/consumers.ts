import type { ConsumerInfo, JetStreamManager } from '@nats-io/jetstream';

/**
 * The consumers of `stream` (the listing's first page). A consumer deleted while the server builds
 * the list (a predecessor's, during a fail-over) comes back as null from older nats-server releases,
 * Debian's 2.9 among them: it is gone, so it is left out rather than read.
 */
export async function listConsumers(jsm: JetStreamManager, stream: string): Promise<ConsumerInfo[]> {
  const page: (ConsumerInfo | null)[] = await jsm.consumers.list(stream).next();
  return page.filter((c): c is ConsumerInfo => c !== null && c !== undefined);
}
