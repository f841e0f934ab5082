/**
 * Files only this user may read: the directory 0700, the file 0600, replaced atomically
 * (temp file in the same directory, fsync, rename) so a crash leaves the old or the new
 * version, never half of one.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { WhataloError } from '../../errors.js';

/** Creates dir (and parents) if needed and narrows it to 0700. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  try {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    if (process.platform !== 'win32') await fs.chmod(dir, 0o700);
  } catch (error) {
    throw new WhataloError('CREDENTIAL_STORE', `Cannot create the private directory ${dir}: ${messageOf(error)}.`, {
      cause: error,
      hint: 'Check WHATALO_CONFIG_DIR and that you own that directory.',
    });
  }
}

/** Replaces file with data atomically, mode 0600, in a 0700 directory. */
export async function writePrivateFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const dir = path.dirname(file);
  await ensurePrivateDir(dir);
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await fs.open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true }).catch(() => {});
    throw new WhataloError('CREDENTIAL_STORE', `Cannot write ${file}: ${messageOf(error)}.`, {
      cause: error,
      hint: `Check that ${dir} is writable by you and the disk is not full.`,
    });
  }
  // The rename is durable only once the directory entry is flushed too.
  await syncDir(dir);
}

/** Not following a link: a symlink planted in the config dir would otherwise have us read, and narrow, a file elsewhere. */
const OPEN_PRIVATE = fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0);

/**
 * The file's bytes, or null when it does not exist. Refuses a symlink or anything but a
 * regular file, and narrows a file that others may read back to 0600 (an older version, a
 * copy or a restore may have left it wider) before reading it.
 */
export async function readPrivateFile(file: string): Promise<Buffer | null> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, OPEN_PRIVATE);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ELOOP') throw notRegular(file, 'a symbolic link');
    throw cannotRead(file, error);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw notRegular(file, 'not a regular file');
    if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) await handle.chmod(0o600);
    return await handle.readFile();
  } catch (error) {
    if (error instanceof WhataloError) throw error;
    throw cannotRead(file, error);
  } finally {
    await handle.close();
  }
}

function cannotRead(file: string, error: unknown): WhataloError {
  return new WhataloError('CREDENTIAL_STORE', `Cannot read ${file}: ${messageOf(error)}.`, {
    cause: error,
    hint: 'Check that you own that file and it is readable.',
  });
}

function notRegular(file: string, what: string): WhataloError {
  return new WhataloError('CREDENTIAL_STORE', `${file} is ${what}; whatalo-mcp keeps credentials only in a regular file of its own, so it refuses to use it.`, {
    hint: `Remove ${file} (it is recreated at the next sign-in), and check who put it there.`,
    details: { file },
  });
}

async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  try {
    const handle = await fs.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some filesystems refuse fsync on a directory; the rename itself already happened.
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
