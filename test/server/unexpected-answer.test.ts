/**
 * An API answer of a shape the tool does not expect (a field missing, a number where a name
 * belongs) is reported as the API answering something unexpected, with the request id that
 * Whatalo's support needs, never as an internal error of this app. The real CLI (`call`)
 * runs against the hostile AS + API of test/helpers/hostile-as.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { hostileAs } from '../helpers/hostile-as.js';
import { FETCH_BROWSER } from '../helpers/mcp.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

it('call: a store answer of the wrong shape names the request and its id', async () => {
  let wrongShape = false;
  const as = await hostileAs({
    '/api/v1/store': (_issuer, _url, normal) =>
      wrongShape ? { body: { data: { id: 5, name: ['not', 'a', 'name'] } }, headers: { 'x-request-id': 'req_shape_1' } } : normal,
  });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'whatalo-unexpected-answer-'));
  dirs.push(dir);
  const env = {
    WHATALO_ISSUER: as.issuer,
    WHATALO_API_BASE: `${as.issuer}/api/v1`,
    WHATALO_CONFIG_DIR: dir,
    WHATALO_CREDENTIAL_STORE: 'file',
    WHATALO_CREDENTIAL_KEY: 'unexpected-answer-passphrase',
    BROWSER: FETCH_BROWSER,
  };
  try {
    expect((await runCli(['login'], { env })).code).toBe(0);
    wrongShape = true;
    const result = await runCli(['call', 'get_store'], { env });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/Whatalo's API answered GET \/store with something unexpected \(request id req_shape_1\)/);
    expect(result.stderr).not.toMatch(/internal error|please report/);
  } finally {
    await as.close();
  }
});
