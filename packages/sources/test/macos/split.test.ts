import { describe, expect, it } from 'vitest';
import { splitClients, openEs, BackendUnavailableError } from '@nightjar/sources';

describe('ES client split', () => {
  it('puts process events and high-volume file events in separate clients', () => {
    expect(splitClients(['open', 'exec', 'close', 'fork', 'exit', 'open'])).toEqual([
      { events: ['exec', 'fork', 'exit'] },
      { events: ['open', 'close'] },
    ]);
    expect(splitClients(['exec'])).toEqual([{ events: ['exec'] }]);
    expect(splitClients([])).toEqual([]);
  });

  it('splits over the number of clients asked for', () => {
    expect(splitClients(['open', 'exec', 'close'], 1)).toEqual([{ events: ['open', 'exec', 'close'] }]);
    expect(splitClients(['open', 'exec', 'close', 'write'], 3)).toEqual([
      { events: ['exec'] },
      { events: ['open', 'write'] },
      { events: ['close'] },
    ]);
  });

  it.skipIf(process.platform === 'darwin')('is macOS-only: elsewhere openEs throws a typed error', () => {
    expect(() => openEs({ eventTypes: ['exec'] })).toThrow(BackendUnavailableError);
  });
});
