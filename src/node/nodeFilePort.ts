/** The file port on node's fs (CLI and unit tests): atomic writes via temp file + fsync + rename/link. */
import { randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { PkiError } from '../core/errors';
import { FilePort, FileStat } from '../core/ca/fileport';

function ioError(e: unknown, what: string, p: string): PkiError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new PkiError('not-found', `${what}: no such file or folder ${p}`);
  if (code === 'EEXIST') return new PkiError('exists', `${p} already exists`);
  if (code === 'EACCES' || code === 'EPERM') return new PkiError('io', `${what}: permission denied on ${p}`);
  return new PkiError('io', `${what} ${p}: ${(e as Error).message}`);
}

export class NodeFilePort implements FilePort {
  async readFile(p: string): Promise<Uint8Array> {
    try {
      return await fsp.readFile(p);
    } catch (e) {
      throw ioError(e, 'Cannot read', p);
    }
  }

  async writeFile(p: string, data: Uint8Array, options: { exclusive?: boolean; mode?: number } = {}): Promise<void> {
    const dir = path.dirname(p);
    // The writer's pid is in the name: a temp file left by a killed process is recognised as
    // such and removed under the CA lock (removeStaleTemps in core/ca/ca.ts).
    const tmp = path.join(dir, `.${path.basename(p)}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
    const mode = options.mode ?? 0o644;
    let fh: fsp.FileHandle | undefined;
    try {
      fh = await fsp.open(tmp, 'wx', mode);
      await fh.writeFile(data);
      await fh.chmod(mode); // umask may have cut bits; keys must be exactly 0600
      await fh.sync();
      await fh.close();
      fh = undefined;
      if (options.exclusive) {
        // link() fails when the target exists: atomic create-if-absent with complete content.
        await fsp.link(tmp, p);
        await fsp.unlink(tmp);
      } else {
        await fsp.rename(tmp, p);
      }
    } catch (e) {
      await fh?.close().catch(() => undefined);
      await fsp.unlink(tmp).catch(() => undefined);
      throw ioError(e, 'Cannot write', p);
    }
  }

  async mkdir(p: string, options: { mode?: number } = {}): Promise<void> {
    try {
      await fsp.mkdir(p, { recursive: true, mode: options.mode ?? 0o755 });
    } catch (e) {
      throw ioError(e, 'Cannot create folder', p);
    }
  }

  async stat(p: string): Promise<FileStat | undefined> {
    try {
      const s = await fsp.stat(p);
      return { type: s.isDirectory() ? 'directory' : 'file', size: s.size, mtimeMs: s.mtimeMs, mode: s.mode & 0o7777 };
    } catch {
      return undefined;
    }
  }

  async list(p: string): Promise<{ name: string; type: 'file' | 'directory' }[]> {
    try {
      const entries = await fsp.readdir(p, { withFileTypes: true });
      return entries.map((d) => ({ name: d.name, type: d.isDirectory() ? 'directory' : 'file' }));
    } catch (e) {
      throw ioError(e, 'Cannot list', p);
    }
  }

  async rename(from: string, to: string): Promise<void> {
    try {
      await fsp.rename(from, to);
    } catch (e) {
      throw ioError(e, 'Cannot rename', from);
    }
  }

  async remove(p: string): Promise<void> {
    try {
      await fsp.unlink(p);
    } catch (e) {
      throw ioError(e, 'Cannot remove', p);
    }
  }

  async chmod(p: string, mode: number): Promise<void> {
    try {
      await fsp.chmod(p, mode);
    } catch (e) {
      throw ioError(e, 'Cannot change permissions of', p);
    }
  }
}
