/**
 * What `npm pack` ships (the tarball `npm install -g` and `npx -y whatalo-mcp` get): the
 * bundle (dist/cli.js and its chunks), the manifest, README and LICENSE, and nothing to run at
 * install. Every package the bundle still imports must be a dependency, and the only
 * dependency is the keychain binding, whose native binaries cannot be bundled.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WhataloError } from '../../src/errors.js';
import { bundleMeta, lazyOnly } from './bundle.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('package.json', `file://${ROOT}`), 'utf8')) as {
  dependencies?: Record<string, string>;
  scripts?: Record<string, string>;
};

describe('npm pack', () => {
  it('ships the bundle, manifest.json, README.md and LICENSE, and no source, map or module tree', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const files: string[] = JSON.parse(out)[0].files.map((f: { path: string }) => f.path);
    const built = Object.keys(bundleMeta().outputs).filter((f) => f.endsWith('.js'));
    expect(files.sort()).toEqual(['LICENSE', 'README.md', 'manifest.json', 'package.json', ...built].sort());
  });

  it('runs nothing at install, so npm 11 has no install script to warn about', () => {
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) expect(pkg.scripts?.[hook], hook).toBeUndefined();
  });

  it('depends on the keychain binding alone, and the bundle imports no other package outside the lazy Redis client', () => {
    expect(Object.keys(pkg.dependencies ?? {})).toEqual(['@napi-rs/keyring']);
    const builtins = new Set(['fs', 'path', 'child_process', 'net', 'dns/promises', 'events', 'stream']);
    const outside = new Map<string, string[]>();
    for (const [file, output] of Object.entries(bundleMeta().outputs)) {
      for (const i of output.imports) {
        if (!i.external || i.path.startsWith('node:') || builtins.has(i.path) || i.path in (pkg.dependencies ?? {})) continue;
        outside.set(i.path, [...(outside.get(i.path) ?? []), file]);
      }
    }
    // @redis/client tries these optional packages inside a try and does without them.
    expect([...outside.keys()].sort()).toEqual(['@node-rs/xxhash', '@opentelemetry/api']);
    for (const files of outside.values())
      for (const file of files) expect(lazyOnly(file, /^(cjs-esm:redis$|node_modules\/(redis|@redis\/[^/]+)\/)/), file).toBe(true);
  });
});

describe('the bundle', () => {
  it('gives each package loaded on first use its named exports, as import() does in Node (CommonJS ones too)', () => {
    const lazyPackages = Object.entries(bundleMeta().outputs).filter(([, o]) => o.entryPoint && !o.entryPoint.startsWith('src/'));
    expect(lazyPackages.map(([, o]) => o.entryPoint)).toEqual(expect.arrayContaining(['cjs-esm:redis']));
    for (const [file, output] of lazyPackages)
      expect(
        output.exports.filter((e) => e !== 'default'),
        file,
      ).not.toEqual([]);
  });
});

describe('a message and its hint', () => {
  it('read as two sentences, even when the message has no full stop', () => {
    expect(new WhataloError('CONFIG_INVALID', 'port 80 on 127.0.0.1 is already in use', { hint: 'Choose another --port.' }).toUserText()).toBe(
      'port 80 on 127.0.0.1 is already in use. Choose another --port.',
    );
    expect(new WhataloError('AUTH_REQUIRED', 'Signed out.', { hint: 'Run login.' }).toUserText()).toBe('Signed out. Run login.');
  });
});
