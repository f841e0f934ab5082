#!/usr/bin/env node
/**
 * `npm run build`: the module tree, then the bundle that ships.
 *
 * 1. `tsc` type-checks src/ and writes one module per source file into dist/ (the tree): the
 *    scripts, benches and test fixtures import single modules from it (dist/auth/oauth.js…).
 * 2. scripts/listing.mjs writes dist/tools/listing.json from the tree's tool records.
 * 3. esbuild bundles src/cli.ts and everything it imports, packages included, into dist/cli.js
 *    and dist/chunks/: what `npm pack`, the MCP Bundle and every test that spawns the server
 *    run. Each dynamic import() of src stays a chunk of its own, loaded when it is reached,
 *    so start-up loads what `initialize` and `tools/list` need and nothing else.
 *
 * Why esbuild: it bundles TypeScript itself (no tsc-then-bundle step), splits at dynamic
 * imports, installs as one package plus its platform binary (an optional dependency, no
 * install script needed) and bundles this tree in ~0.2 s; it is what the MCP SDK's users
 * bundle servers with. Rollup has finer chunk control but needs a plugin each for TypeScript,
 * CommonJS, JSON and node resolution, and is slower; rolldown (1.x) would also group chunks,
 * but is younger and was not measured here; ncc and bun build make one file without
 * splitting, so the sandbox, the HTTP server and Redis would be parsed at every start (one
 * file measured 0.85x the bare SDK server's cold start, the split build 0.68-0.73x).
 *
 * Only @napi-rs/keyring stays a package: its per-platform native binaries cannot be bundled.
 * redis is bundled into a chunk that only `serve --http` with WHATALO_REDIS_URL imports.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = path.join(ROOT, 'dist');
const SRC = path.join(ROOT, 'src');

/** What the bundle leaves to the package's dependencies: native binaries per platform. */
export const EXTERNAL = ['@napi-rs/keyring'];

/**
 * src/ modules locate files from where the tree puts them (version.ts reads
 * `../package.json`, demo.ts spawns `../cli.js`). In the bundle a module sits in dist/cli.js
 * or a dist/chunks/ file, so its `import.meta.url` becomes the URL of its place in the tree,
 * worked out from the file it landed in: whichever that is, the paths it builds still hold.
 */
const treeUrlPlugin = {
  name: 'tree-url',
  setup(build) {
    build.onResolve({ filter: /^whatalo:dist$/ }, () => ({ path: 'dist', namespace: 'whatalo' }));
    build.onLoad({ filter: /^dist$/, namespace: 'whatalo' }, () => ({
      // dist/ is the folder of the entry, or the parent of chunks/.
      contents: `export const DIST_URL = new URL(/\\/chunks\\/[^/]*$/.test(import.meta.url) ? '../' : './', import.meta.url);`,
      loader: 'js',
    }));
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (!args.path.startsWith(SRC + path.sep)) return undefined;
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const place = path.relative(SRC, args.path).replace(/\.ts$/, '.js').split(path.sep).join('/');
      const contents =
        `import { DIST_URL as __DIST_URL } from 'whatalo:dist';\n` + source.replaceAll('import.meta.url', `new URL(${JSON.stringify(place)}, __DIST_URL).href`);
      return { contents, loader: 'ts' };
    });
  },
};

/**
 * The bundle answers tools/list from the listing built into it: the listing is made from the
 * same sources in the same build, so the tree's check that dist/tools/listing.json still
 * matches its built files (src/tools/listing-file.ts) has nothing to guard here, and start-up
 * reads no file and hashes nothing. Replaces that module with one exporting the same
 * loadCatalog(), answering from the build.
 */
function embeddedListingPlugin(tools) {
  return {
    name: 'embedded-listing',
    setup(build) {
      const file = path.join(SRC, 'tools', 'listing-file.ts');
      build.onLoad({ filter: /listing-file\.ts$/ }, (args) => {
        if (args.path !== file) return undefined;
        const exported = [...readFileSync(file, 'utf8').matchAll(/^export (?:async )?(?:function|const) (\w+)/gm)].map((m) => m[1]);
        if (!exported.includes('loadCatalog')) throw new Error(`${file} no longer exports loadCatalog(): update scripts/build.mjs`);
        return {
          // JSON.parse of a string literal is the fastest way for V8 to make a large object.
          contents: [
            `export const LISTING_FILE = 'listing.json';`,
            `const entries = JSON.parse(${JSON.stringify(JSON.stringify(tools))});`,
            `export async function loadCatalog() { return { entries, from: 'build' }; }`,
          ].join('\n'),
          loader: 'js',
        };
      });
    },
  };
}

/** Whether a resolved file is CommonJS: .cjs, or .js under a package.json without "type": "module". */
function isCommonJs(file) {
  if (file.endsWith('.cjs')) return true;
  if (!file.endsWith('.js')) return false;
  for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg)) return JSON.parse(readFileSync(pkg, 'utf8')).type !== 'module';
  }
  return true;
}

/**
 * `await import('redis')` of a CommonJS package gives its named exports in Node (which reads
 * them from the source); a split bundle makes the package a chunk exporting only `default`, so
 * `const { createClient } = await import('redis')` found nothing. A dynamic import of a bundled
 * CommonJS package goes through a small ES module instead that names its exports, as Node does.
 */
const commonJsDynamicImportPlugin = {
  name: 'cjs-dynamic-import',
  setup(build) {
    const require = createRequire(path.join(ROOT, 'package.json'));
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.kind !== 'dynamic-import' || args.path.startsWith('node:') || EXTERNAL.includes(args.path)) return undefined;
      const resolved = await build.resolve(args.path, { kind: 'import-statement', resolveDir: args.resolveDir });
      if (resolved.errors.length > 0 || resolved.external || !isCommonJs(resolved.path)) return undefined;
      return { path: args.path, namespace: 'cjs-esm' };
    });
    build.onLoad({ filter: /.*/, namespace: 'cjs-esm' }, (args) => {
      const names = Object.keys(require(args.path)).filter((n) => n !== 'default' && /^[A-Za-z_$][\w$]*$/.test(n));
      return {
        // A namespace import of CommonJS holds its exports whatever its __esModule says.
        contents: `import * as m from ${JSON.stringify(args.path)};\nexport default m;\nexport const { ${names.join(', ')} } = m;\n`,
        resolveDir: ROOT,
        loader: 'js',
      };
    });
  },
};

function tree() {
  rmSync(DIST, { recursive: true, force: true });
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.json')], { stdio: 'inherit' });
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/listing.mjs')], { stdio: 'inherit' });
  return JSON.parse(readFileSync(path.join(DIST, 'tools/listing.json'), 'utf8')).tools;
}

export async function bundle(tools, { outdir = DIST, ...options } = {}) {
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: { cli: 'src/cli.ts' },
    outdir,
    chunkNames: 'chunks/[name]-[hash]',
    // Dynamic import() targets are entries of their own; they go with the chunks.
    entryNames: '[name]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: EXTERNAL,
    // Keep names so stack traces and error.name read as in src (no minify: a report's stack must read).
    keepNames: true,
    legalComments: 'none',
    // Maps point at src/ for `--enable-source-maps`; they stay out of the package (package.json `files`).
    sourcemap: 'linked',
    sourcesContent: false,
    metafile: true,
    logLevel: 'warning',
    // CommonJS packages (redis, cross-spawn) call require() for Node's modules, which ESM lacks.
    banner: { js: `import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);` },
    plugins: [treeUrlPlugin, embeddedListingPlugin(tools), commonJsDynamicImportPlugin],
    ...options,
  });
  writeFileSync(path.join(outdir, 'bundle-meta.json'), JSON.stringify(result.metafile));
  // The bin entry runs as a program from a clone (`npx whatalo-mcp`, `./dist/cli.js`), not only once npm installs it.
  if (existsSync(path.join(outdir, 'cli.js'))) chmodSync(path.join(outdir, 'cli.js'), 0o755);
  return result;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const tools = tree();
  const { metafile } = await bundle(tools);
  const outputs = Object.entries(metafile.outputs).filter(([f]) => f.endsWith('.js'));
  const bytes = outputs.reduce((n, [, o]) => n + o.bytes, 0);
  process.stderr.write(`build: dist/ tree, ${tools.length} tools listed, bundle of ${outputs.length} files (${(bytes / 1e6).toFixed(2)} MB)\n`);
}
