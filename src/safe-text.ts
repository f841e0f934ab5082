/**
 * Remote text made safe to show: an `error_description`, an API error message or a store
 * name may carry terminal control sequences (ESC clears the screen or retitles the window,
 * CR overwrites the line, LF forges a line of our own such as "Signed in"). Every C0 and C1
 * control character, DEL, and the bidirectional overrides that reorder what a terminal
 * shows, become a visible escape (`\x1B`, `\u202E`). A newline survives only where the text
 * is ours and multi-line by design (`keepNewlines`); a one-line message never gains a line.
 *
 * Applied at the boundaries, so nothing reaches a person or a model without it: every
 * WhataloError's message and hint, every log line, every tool result text and the CLI's
 * human channel.
 */
const CONTROLS = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;
const CONTROLS_AND_NEWLINE = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

function visible(char: string): string {
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).toUpperCase().padStart(2, '0')}` : `\\u${code.toString(16).toUpperCase()}`;
}

/** `text` with every control character escaped; plain newlines kept only with `keepNewlines`. */
export function escapeControls(text: string, options: { keepNewlines?: boolean } = {}): string {
  return text.replace(options.keepNewlines ? CONTROLS : CONTROLS_AND_NEWLINE, visible);
}
