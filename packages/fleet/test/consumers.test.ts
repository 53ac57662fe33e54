import { describe, expect, it } from 'vitest';
import type { ConsumerInfo, JetStreamManager } from '@nats-io/jetstream';
import { listConsumers } from '../src/worker/consumers.js';

describe('listConsumers', () => {
  it('leaves out the null a consumer deleted during the listing comes back as (nats-server 2.9)', async () => {
    const a = { name: 'part-1-r4' } as ConsumerInfo;
    const b = { name: 'part-2-r6' } as ConsumerInfo;
    const asked: string[] = [];
    const jsm = {
      consumers: {
        list: (stream: string) => {
          asked.push(stream);
          return { next: () => Promise.resolve([a, null, b]) };
        },
      },
    } as unknown as JetStreamManager;
    expect(await listConsumers(jsm, 'NJ_EVENTS')).toEqual([a, b]);
    expect(asked).toEqual(['NJ_EVENTS']);
  });
});
