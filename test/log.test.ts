import { describe, expect, it } from 'vitest';
import { isPlainText, redact } from '../src/log.js';
import { escapeControls } from '../src/safe-text.js';

const masked = (text: string) => redact(escapeControls(text, { keepNewlines: true }));

describe('isPlainText, the one-pass check that lets a tool result skip masking', () => {
  it('says plain only for text that masking and escaping leave as it is, for every UTF-16 code unit', () => {
    for (let code = 0; code <= 0xffff; code++) {
      const text = `a ${String.fromCharCode(code)} b`;
      if (isPlainText(text)) expect(masked(text)).toBe(text);
      else expect(masked(text), `U+${code.toString(16)}`).not.toBe(text);
    }
  });

  it('sends a token-shaped run of 43 characters, and anything longer, to the masking', () => {
    const token = 'A'.repeat(42) + 'z';
    expect(isPlainText(`{"note":"${token}"}`)).toBe(false);
    expect(masked(`{"note":"${token}"}`)).toBe('{"note":"[redacted]"}');
    expect(isPlainText('x'.repeat(44))).toBe(false);
    expect(isPlainText(`${'x'.repeat(42)} ${'y'.repeat(42)}\nline two`)).toBe(true);
  });
});
