/**
 * The token-leak sweep: every 43-character base64url string (the shape of a Whatalo token,
 * CONTRACT A9) found in what a run left behind — stdout, stderr, log lines, every file in
 * the config directory — is hashed and compared with the digests of every token the sandbox
 * ever issued (/sandbox/grants). A match means a token was written somewhere in the clear.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { TestSandbox } from './sandbox.js';

/** Every file under `dir`, recursively, as latin1 text (binary files are searched byte-for-byte). */
export async function readTree(dir: string): Promise<{ file: string; text: string }[]> {
  const out: { file: string; text: string }[] = [];
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await readTree(full)));
    else if (entry.isFile()) out.push({ file: full, text: (await fs.readFile(full)).toString('latin1') });
  }
  return out;
}

/** Every substring of `text` with a token's shape, at every offset (a token inside a longer run is still found). */
function candidates(text: string): Set<string> {
  const found = new Set<string>();
  for (const run of text.match(/[A-Za-z0-9_-]{43,}/g) ?? []) {
    for (let i = 0; i + 43 <= run.length; i++) found.add(run.slice(i, i + 43));
  }
  return found;
}

export interface LeakReport {
  /** How many token-shaped strings were checked. */
  checked: number;
  /** Where a real token was found: the source name and the token's digest (never the token). */
  leaks: { source: string; sha256: string }[];
  /** How many token digests the sandbox listed. */
  tokens: number;
}

/**
 * Sweeps `texts` (name → content) and the files under `dirs` for tokens the sandbox issued.
 */
export async function sweepForTokens(sandbox: TestSandbox, sources: { texts?: Record<string, string>; dirs?: string[] }): Promise<LeakReport> {
  const digests = new Set<string>();
  for (const grant of await sandbox.grants()) for (const token of grant.tokens) digests.add(token.sha256);
  const named: { source: string; text: string }[] = Object.entries(sources.texts ?? {}).map(([source, text]) => ({ source, text }));
  for (const dir of sources.dirs ?? []) for (const { file, text } of await readTree(dir)) named.push({ source: file, text });
  let checked = 0;
  const leaks: LeakReport['leaks'] = [];
  for (const { source, text } of named) {
    for (const candidate of candidates(text)) {
      checked++;
      const digest = createHash('sha256').update(candidate).digest('hex');
      if (digests.has(digest)) leaks.push({ source, sha256: digest });
    }
  }
  return { checked, leaks, tokens: digests.size };
}
