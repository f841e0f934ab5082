import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryStore, openCredentialStore } from '../../src/auth/credentials/index.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'whatalo-open-store-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('openCredentialStore', () => {
  it('opens the memory store on WHATALO_CREDENTIAL_STORE=memory and writes nothing to disk', async () => {
    const config = loadConfig({ WHATALO_CONFIG_DIR: dir, WHATALO_CREDENTIAL_STORE: 'memory' });
    const store = await openCredentialStore(config, { logger: silentLogger });
    expect(store).toMatchObject({ kind: 'memory', description: 'memory (this process only)' });
    await store.set('a', 'x');
    expect(await store.get('a')).toBe('x');
    expect(await store.accounts()).toEqual(['a']);
    expect(await store.delete('a')).toBe(true);
    expect(await store.delete('a')).toBe(false);
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('gives each memory store its own secrets', async () => {
    const one = createMemoryStore();
    await one.set('a', 'x');
    expect(await createMemoryStore().get('a')).toBeNull();
  });

  it('opens the encrypted file in the config dir on WHATALO_CREDENTIAL_STORE=file', async () => {
    const config = loadConfig({ WHATALO_CONFIG_DIR: dir, WHATALO_CREDENTIAL_STORE: 'file', WHATALO_CREDENTIAL_KEY: 'a long enough key' });
    const store = await openCredentialStore(config, { logger: silentLogger });
    expect(store).toMatchObject({ kind: 'file', description: `encrypted file ${path.join(dir, 'credentials.enc')}` });
    await store.set('a', 'x');
    expect(await fs.readdir(dir)).toEqual(['credentials.enc']);
  });
});
