// Prettier wraps code at printWidth but leaves long strings, template literals and comments
// as they are; this finds those lines, so "no line over the formatter's width" holds everywhere.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const WIDTH = JSON.parse(readFileSync(new URL('../.prettierrc.json', import.meta.url), 'utf8')).printWidth;
const ROOTS = ['src', 'test', 'bench', 'scripts'];
const CODE = /\.(ts|mjs|js)$/;

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else if (CODE.test(entry.name)) yield full;
  }
}

const long = [];
for (const root of ROOTS) {
  for (const file of files(root)) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (line.length > WIDTH) long.push(`${file}:${i + 1}: ${line.length} characters`);
      });
  }
}
if (long.length > 0) {
  console.error(`${long.length} line(s) over the formatter's width of ${WIDTH}:\n${long.join('\n')}`);
  process.exit(1);
}
