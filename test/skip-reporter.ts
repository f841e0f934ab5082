/**
 * After the run, one line per skipped suite (or lone skipped test) with the reason it gave
 * (test/helpers/requirements.ts puts it in the task's meta), so a green `npm test` cannot
 * hide what it did not run. A skip without a reason says so, so it gets one.
 */
import path from 'node:path';
import type { Reporter, TestCase, TestModule, TestSuite } from 'vitest/node';

type Task = TestSuite | TestCase;

function skippedRoots(children: Iterable<Task>, found: Task[]): void {
  for (const task of children) {
    const skipped = task.type === 'suite' ? task.state() === 'skipped' : task.result().state === 'skipped';
    if (skipped) found.push(task);
    else if (task.type === 'suite') skippedRoots(task.children, found);
  }
}

export default class SkipReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const lines: string[] = [];
    for (const module of modules) {
      const found: Task[] = [];
      skippedRoots(module.children, found);
      const file = path.relative(process.cwd(), module.moduleId);
      for (const task of found) {
        const reason = task.meta().skipReason ?? 'no reason given';
        lines.push(`  ${file} › ${task.fullName}: ${reason}`);
      }
    }
    if (lines.length === 0) return;
    process.stdout.write(`\nskipped (${lines.length}), each with why:\n${lines.join('\n')}\n`);
  }
}
