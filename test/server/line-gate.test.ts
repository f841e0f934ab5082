/**
 * The stdin line gate in front of the SDK's transport, fed chunks as a pipe cuts them: every
 * line under the limit arrives whole and in order, however it was split; a line over the
 * limit is dropped and reported with its size, and the lines around it still arrive.
 */
import { describe, expect, it } from 'vitest';
import { lineGate } from '../../src/server/stdio.js';

function run(maxBytes: number, chunks: string[]) {
  const passed: string[] = [];
  const dropped: number[] = [];
  const feed = lineGate(
    maxBytes,
    (lines) => passed.push(lines.toString()),
    (bytes) => dropped.push(bytes),
  );
  for (const chunk of chunks) feed(Buffer.from(chunk));
  return { lines: passed.join('').split('\n').slice(0, -1), handOvers: passed.length, dropped };
}

describe('lineGate', () => {
  it('hands on the complete lines of a chunk in one buffer and keeps the unfinished one', () => {
    const result = run(100, ['a\nbb\ncc', 'c\n', 'dd']);
    expect(result.lines).toEqual(['a', 'bb', 'ccc']);
    expect(result.handOvers).toBe(2);
    expect(result.dropped).toEqual([]);
  });

  it('passes the same lines whatever the cut, down to one byte per chunk', () => {
    const text = 'one\ntwo\n\nthree is longer\nfour\n';
    for (const size of [1, 2, 3, 7, text.length]) {
      const chunks = text.match(new RegExp(`[^]{1,${size}}`, 'g'))!;
      expect(run(20, chunks).lines, `chunks of ${size}`).toEqual(['one', 'two', '', 'three is longer', 'four']);
    }
  });

  it('drops a line over the limit, in one chunk or many, and reports its bytes with the newline', () => {
    expect(run(5, ['ok\n123456789\nfine\n'])).toMatchObject({ lines: ['ok', 'fine'], dropped: [10] });
    expect(run(5, ['ok\n1234', '5678', '9\nfine\n'])).toMatchObject({ lines: ['ok', 'fine'], dropped: [10] });
    // At the limit exactly is still a line.
    expect(run(5, ['12345\n'])).toMatchObject({ lines: ['12345'], dropped: [] });
  });
});
