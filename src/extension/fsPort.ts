/**
 * core's FilePort over vscode.workspace.fs, so CA operations work wherever the workspace lives
 * (local disk, remote SSH, WSL, dev containers, code-server). Port paths are the URI path component;
 * the scheme and authority come from the workspace folder the port was made for.
 */
import * as fs from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { PkiError } from '../core/errors';
import { FilePort, FileStat } from '../core/ca/fileport';

export class WorkspaceFsPort implements FilePort {
  /** `base` gives scheme and authority; its path is ignored. */
  constructor(private readonly base: vscode.Uri) {}

  /** A port for the place `uri` lives in. */
  static for(uri: vscode.Uri): WorkspaceFsPort {
    return new WorkspaceFsPort(uri);
  }

  uri(path: string): vscode.Uri {
    return this.base.with({ path, query: '', fragment: '' });
  }

  /** The port path of a URI living in the same place. */
  pathOf(uri: vscode.Uri): string {
    return uri.path;
  }

  async readFile(path: string): Promise<Uint8Array> {
    try {
      return await vscode.workspace.fs.readFile(this.uri(path));
    } catch (e) {
      throw toPkiError(e, path);
    }
  }

  async writeFile(path: string, data: Uint8Array, options: { exclusive?: boolean; mode?: number } = {}): Promise<void> {
    const target = this.uri(path);
    if (options.exclusive && (await this.stat(path))) {
      throw new PkiError('exists', `${path} already exists; refusing to overwrite it.`);
    }
    // Nothing on disk is ever half-written (STYLE.md §13): write a temp file next to the target, set
    // its mode before it holds the final name, then rename over the target. workspace.fs has no fsync;
    // on the `file` scheme we fsync through node.
    const dir = path.slice(0, path.lastIndexOf('/')) || '/';
    const name = path.slice(path.lastIndexOf('/') + 1);
    const tmpPath = `${dir}/.${name}.${randomBytes(6).toString('hex')}.tmp`;
    const tmp = this.uri(tmpPath);
    try {
      if (target.scheme === 'file') {
        // create it with the final mode so key bytes are never readable by others, even briefly
        const fh = await fs.open(tmp.fsPath, 'wx', options.mode ?? 0o644);
        try {
          await fh.writeFile(data);
          await fh.sync();
        } finally {
          await fh.close();
        }
        if (options.mode !== undefined) await fs.chmod(tmp.fsPath, options.mode);
      } else {
        await vscode.workspace.fs.writeFile(tmp, data);
      }
      if (options.exclusive && (await this.stat(path))) {
        throw new PkiError('exists', `${path} already exists; refusing to overwrite it.`);
      }
      await vscode.workspace.fs.rename(tmp, target, { overwrite: !options.exclusive });
    } catch (e) {
      await vscode.workspace.fs.delete(tmp).then(undefined, () => undefined);
      throw toPkiError(e, path);
    }
  }

  async mkdir(path: string, options: { mode?: number } = {}): Promise<void> {
    const existed = await this.stat(path);
    try {
      await vscode.workspace.fs.createDirectory(this.uri(path));
    } catch (e) {
      throw toPkiError(e, path);
    }
    if (!existed && options.mode !== undefined) await this.chmod(path, options.mode);
  }

  async stat(path: string): Promise<FileStat | undefined> {
    const uri = this.uri(path);
    let st: vscode.FileStat;
    try {
      st = await vscode.workspace.fs.stat(uri);
    } catch (e) {
      if (e instanceof vscode.FileSystemError && e.code === 'FileNotFound') return undefined;
      throw toPkiError(e, path);
    }
    const type = st.type & vscode.FileType.Directory ? 'directory' : 'file';
    let mode: number | undefined;
    if (uri.scheme === 'file') mode = await fs.stat(uri.fsPath).then((s) => s.mode & 0o7777, () => undefined);
    return { type, size: st.size, mtimeMs: st.mtime, mode };
  }

  async list(path: string): Promise<{ name: string; type: 'file' | 'directory' }[]> {
    try {
      const entries = await vscode.workspace.fs.readDirectory(this.uri(path));
      return entries.map(([name, t]) => ({ name, type: t & vscode.FileType.Directory ? 'directory' : 'file' }));
    } catch (e) {
      throw toPkiError(e, path);
    }
  }

  async rename(from: string, to: string): Promise<void> {
    try {
      await vscode.workspace.fs.rename(this.uri(from), this.uri(to), { overwrite: true });
    } catch (e) {
      throw toPkiError(e, from);
    }
  }

  async remove(path: string): Promise<void> {
    try {
      await vscode.workspace.fs.delete(this.uri(path), { recursive: false, useTrash: false });
    } catch (e) {
      if (e instanceof vscode.FileSystemError && e.code === 'FileNotFound') return;
      throw toPkiError(e, path);
    }
  }

  /** Permission bits exist only on the `file` scheme; elsewhere this is a no-op. */
  async chmod(path: string, mode: number): Promise<void> {
    const uri = this.uri(path);
    if (uri.scheme !== 'file') return;
    await fs.chmod(uri.fsPath, mode).catch((e) => {
      throw toPkiError(e, path);
    });
  }
}

/** Turns FileSystemError / node errors into the PkiError codes core branches on. */
function toPkiError(e: unknown, path: string): PkiError {
  if (e instanceof PkiError) return e;
  if (e instanceof vscode.FileSystemError) {
    if (e.code === 'FileNotFound') return new PkiError('not-found', `${path} does not exist.`);
    if (e.code === 'FileExists') return new PkiError('exists', `${path} already exists.`);
    if (e.code === 'NoPermissions') return new PkiError('io', `No permission to access ${path}.`);
  }
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return new PkiError('not-found', `${path} does not exist.`);
  if (code === 'EEXIST') return new PkiError('exists', `${path} already exists.`);
  return new PkiError('io', `Could not access ${path}: ${e instanceof Error ? e.message : String(e)}`);
}
