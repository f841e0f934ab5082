/**
 * vitest globalSetup: after the whole run, one line that adds up every suite's figures line
 * (test/helpers/figures.ts), so CI shows the run's totals at a glance.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

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
    const total = { faultsSurvived: 0, fuzzCases: 0, hostileInputs: 0, leaksFound: 0 };
    for (const line of lines) {
      const f = JSON.parse(line) as typeof total;
      for (const key of Object.keys(total) as (keyof typeof total)[]) total[key] += f[key];
    }
    console.log(
      `\nfigures (all ${lines.length} reliability and security suites): faults survived ${total.faultsSurvived}, fuzz cases run ${total.fuzzCases}, hostile inputs tried ${total.hostileInputs}, leaks found ${total.leaksFound}`,
    );
  };
}
