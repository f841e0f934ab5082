#!/usr/bin/env node
// Lists the import circles among the TypeScript modules below a folder (default src/) and
// exits 1 when there is one. Every relative import counts, `import type` and `import()`
// too: a circle through types or a lazy import is still two modules that each need the other
// to be read. TypeScript 7 has no compiler API, so imports are read from the text; only
// statements at the start of a line and `import('…')` outside comments are taken.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const STATIC = /^\s*(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

function modules(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(?:ts|mts)$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
    .map((entry) => path.join(entry.parentPath ?? entry.path, entry.name));
}

/** The relative imports of one file's text, as the specifiers written. */
export function importsOf(text) {
  const code = text
    .split('\n')
    .filter((line) => !/^\s*(?:\/\/|\*|\/\*)/.test(line))
    .join('\n');
  const found = [];
  for (const match of code.matchAll(STATIC)) found.push(match[1] ?? match[2]);
  for (const match of code.matchAll(DYNAMIC)) found.push(match[1]);
  return found.filter((spec) => spec.startsWith('.'));
}

/** `./x.js` written in `from` → the `.ts` file it names, when it is one of `known`. */
function resolve(from, spec, known) {
  const target = path.resolve(path.dirname(from), spec);
  for (const candidate of [target.replace(/\.m?js$/, (ext) => (ext === '.mjs' ? '.mts' : '.ts')), target, `${target}.ts`, path.join(target, 'index.ts')]) {
    if (known.has(candidate)) return candidate;
  }
  return undefined;
}

/** The import graph's strongly connected components with more than one module (or a self-import). */
export function importCircles(dir) {
  const files = modules(dir);
  const known = new Set(files);
  const edges = new Map(
    files.map((file) => [
      file,
      [
        ...new Set(
          importsOf(readFileSync(file, 'utf8'))
            .map((spec) => resolve(file, spec, known))
            .filter(Boolean),
        ),
      ],
    ]),
  );
  // Tarjan's algorithm, iterative over the edge lists so depth is not bounded by the stack.
  let next = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const circles = [];
  for (const root of files) {
    if (index.has(root)) continue;
    const work = [[root, 0]];
    index.set(root, next);
    low.set(root, next++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const [node, i] = frame;
      const out = edges.get(node);
      if (i < out.length) {
        frame[1]++;
        const to = out[i];
        if (!index.has(to)) {
          index.set(to, next);
          low.set(to, next++);
          stack.push(to);
          onStack.add(to);
          work.push([to, 0]);
        } else if (onStack.has(to)) low.set(node, Math.min(low.get(node), index.get(to)));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1][0];
        low.set(parent, Math.min(low.get(parent), low.get(node)));
      }
      if (low.get(node) !== index.get(node)) continue;
      const component = [];
      let member;
      do {
        member = stack.pop();
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || out.includes(node)) circles.push(component.map((f) => path.relative(dir, f)).sort());
    }
  }
  return circles;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = path.resolve(process.argv[2] ?? 'src');
  const circles = importCircles(dir);
  if (circles.length === 0) {
    process.stdout.write(`no import circles in ${path.relative(process.cwd(), dir) || '.'}\n`);
  } else {
    for (const circle of circles) process.stdout.write(`import circle: ${circle.join(' ↔ ')}\n`);
    process.exitCode = 1;
  }
}
