/**
 * The SSE event meter (src/remote/body.ts) on its own: an event is every line up to a blank
 * line, whatever the line ends (LF, CRLF, CR) and however the stream is cut into chunks; the
 * cap counts the whole event, not one line.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventMeter } from '../../src/remote/body.js';
import { fuzzRuns, suiteFigures } from '../helpers/figures.js';

const figures = suiteFigures('remote event meter');
const bytes = (text: string) => new TextEncoder().encode(text);

/** Feeds `chunks` in order: where events ended (offsets in the whole stream) and where the cap fired, if it did. */
function run(chunks: string[], limit: number): { ends: number[]; cut: number } {
  const meter = eventMeter(limit);
  const ends: number[] = [];
  let offset = 0;
  for (const chunk of chunks) {
    const cut = meter.feed(bytes(chunk));
    if (meter.ended() !== -1) ends.push(offset + meter.ended());
    if (cut !== -1) return { ends, cut: offset + cut };
    offset += chunk.length;
  }
  return { ends, cut: -1 };
}

describe('the SSE event meter', () => {
  it('ends an event at a blank line after LF, CRLF or CR line ends', () => {
    expect(run(['data: a\n\nevent: x\ndata: b\n\n'], 100).ends).toEqual([27]);
    expect(run(['data: a\r\n\r\n'], 100).ends).toEqual([11]);
    expect(run(['data: a\r\rdata: b\r\r'], 100).ends).toEqual([18]);
  });

  it('hands the LF of a CRLF blank line on with its event when a chunk ends between CR and LF', () => {
    expect(run(['data: a\r\n\r', '\ndata: b'], 100).ends).toEqual([10, 11]);
  });

  it('caps the whole event, across lines and chunks, not one line', () => {
    const line = `data: ${'x'.repeat(94)}\n`; // 100 bytes, 101 with its LF
    expect(run([line, line, line], 250).cut).toBe(101 + 101 + 50);
    // The same lines as separate events stay under the cap.
    expect(run([`${line}\n`, `${line}\n`, `${line}\n`], 250)).toEqual({ ends: [102, 204, 306], cut: -1 });
  });

  it('finds the same event ends however the stream is cut into chunks', () => {
    const stream = fc
      .array(fc.constantFrom('data: ab', 'event: m', ':', 'id: 1', ''), { minLength: 1, maxLength: 12 })
      .chain((lines) => fc.tuple(fc.constant(lines), fc.constantFrom('\n', '\r\n', '\r')));
    fc.assert(
      fc.property(stream, fc.array(fc.nat(), { maxLength: 6 }), ([lines, eol], cuts) => {
        const text = lines.join(eol) + eol;
        const bounds = [0, ...[...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b), text.length];
        const chunks = bounds.slice(1).map((end, i) => text.slice(bounds[i], end));
        expect(run(chunks, 1000).ends.at(-1)).toBe(run([text], 1000).ends.at(-1));
        figures.add('fuzzCases');
      }),
      { numRuns: fuzzRuns(0.1) },
    );
  });
});
