/**
 * vitest globalSetup: after the whole run, one line that adds up every suite's figures line
 * (test/helpers/figures.ts), so CI shows the run's totals at a glance.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Figures, FIGURE_KINDS, describeFigures, emptyFigures } from './helpers/figures.js';

export default function setup(): () => void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'whatalo-figures-'));
  const file = path.join(dir, 'figures.jsonl');
  // Workers are started after global setup and inherit this.
  process.env.WHATALO_FIGURES_FILE = file;
  return () => {
    let lines: string[] = [];
    try {
      lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    } catch {
      // no suite with figures ran (a filtered run)
    }
    rmSync(dir, { recursive: true, force: true });
    if (lines.length === 0) return;
    const total = emptyFigures();
    for (const line of lines) {
      const f = JSON.parse(line) as Partial<Figures>;
      for (const key of FIGURE_KINDS) total[key] += f[key] ?? 0;
    }
    console.log(`\nfigures (all ${lines.length} reliability and security suites): ${describeFigures(total)}`);
  };
}
