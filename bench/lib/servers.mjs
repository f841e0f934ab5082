/**
 * How each server under comparison is launched. Both run as `node <entry>` from the repo
 * root with the same small environment, so the only difference is the code they load.
 */
import path from 'node:path';
import { ROOT, tempDir } from './proc.mjs';

export { ROOT };
const BROWSER = path.join(ROOT, 'bench', 'browser-follow.mjs');

function baseEnv(home) {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), LANG: 'C.UTF-8' };
}

/** The bare SDK server (bench/baseline-server.mjs). */
export function baselineServer() {
  const home = tempDir('whatalo-bench-home-');
  return { name: 'baseline', command: process.execPath, args: ['bench/baseline-server.mjs'], cwd: ROOT, env: baseEnv(home) };
}

/**
 * `whatalo-mcp serve` against the sandbox process, with an in-memory credential store
 * (never the user's keychain) and a BROWSER that follows the auto-approved sign-in.
 * Each call gets its own home and config dir (so a fresh server signs in afresh) unless
 * `home` is passed to share them, as a host relaunching the server would.
 */
export function whataloServer(sandbox, extraEnv = {}, home = tempDir('whatalo-bench-home-')) {
  return {
    name: 'whatalo-mcp',
    command: process.execPath,
    // BENCH_WHATALO_CLI points at another build (e.g. a patched copy under .tmp/) for A/B runs.
    args: [process.env.BENCH_WHATALO_CLI ?? 'dist/cli.js', 'serve'],
    cwd: ROOT,
    env: {
      ...baseEnv(home),
      WHATALO_ISSUER: sandbox.issuer,
      WHATALO_API_BASE: sandbox.apiBase,
      WHATALO_CREDENTIAL_STORE: 'memory',
      WHATALO_CONFIG_DIR: path.join(home, 'whatalo-mcp'),
      WHATALO_LOG_LEVEL: 'warn',
      BROWSER,
      ...extraEnv,
    },
  };
}

/** bench/floor-server.mjs: get_product forwarded by the bare SDK with the bench's token. */
export function floorServer(sandbox, { token, storeId }) {
  const home = tempDir('whatalo-bench-home-');
  return {
    name: 'floor',
    command: process.execPath,
    args: ['bench/floor-server.mjs'],
    cwd: ROOT,
    env: { ...baseEnv(home), BENCH_API_BASE: sandbox.apiBase, BENCH_TOKEN: token, BENCH_STORE_ID: storeId },
  };
}
