import { getEventListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { WATCH_AFTER_MS, watchRequest } from '../../src/net/watch.js';

/** Resolves once `done()` holds, checking every 10 ms; fails after `ms`. */
async function until(done: () => boolean, ms = 5000): Promise<void> {
  for (const start = Date.now(); !done(); await sleep(10)) {
    if (Date.now() - start > ms) throw new Error('the condition did not come true in time');
  }
}

describe('watchRequest', () => {
  it('requests that end first, in the middle and last leave the others watched, deadline and abort alike', async () => {
    const controller = new AbortController();
    const deadlines = new Set<number>();
    const aborts = new Set<number>();
    const stops = Array.from({ length: 5 }, (_, i) =>
      watchRequest(
        4 * WATCH_AFTER_MS,
        i < 3 ? undefined : controller.signal,
        () => deadlines.add(i),
        () => aborts.add(i),
      ),
    );
    for (const i of [0, 2, 4]) stops[i]!();
    // Only 3 of those left has the signal: it listens once it is watched. Both 1 and 3 reach their
    // deadlines, since these onAbort callbacks do not stop the watch as requestBounded's does.
    await until(() => getEventListeners(controller.signal, 'abort').length === 1);
    controller.abort();
    await until(() => deadlines.has(1) && aborts.has(3));
    await sleep(6 * WATCH_AFTER_MS);
    expect([...deadlines]).toEqual([1, 3]);
    expect([...aborts]).toEqual([3]);
    for (const stop of stops) stop();
  });

  it('a request stopped after it is watched leaves no listener and no deadline', async () => {
    const controller = new AbortController();
    let fired = 0;
    const stop = watchRequest(
      5 * WATCH_AFTER_MS,
      controller.signal,
      () => fired++,
      () => fired++,
    );
    await until(() => getEventListeners(controller.signal, 'abort').length === 1);
    stop();
    stop();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    await sleep(7 * WATCH_AFTER_MS);
    controller.abort();
    expect(fired).toBe(0);
  });
});
