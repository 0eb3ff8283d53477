/**
 * The file port: the only way CA code touches storage, so the same code runs on node's fs
 * (CLI, unit tests) and on vscode.workspace.fs (extension; remote, WSL, dev containers).
 * Paths are POSIX-style absolute paths in the port's namespace.
 */
export interface FileStat {
  type: 'file' | 'directory';
  size: number;
  mtimeMs: number;
  /** POSIX permission bits when the backend knows them. */
  mode?: number;
}

export interface FilePort {
  readFile(path: string): Promise<Uint8Array>;
  /**
   * Writes atomically (temp file in the same folder, fsync, rename). `exclusive` fails with
   * PkiError('exists') when the file is already there. `mode` sets permission bits (0o600 for keys)
   * where the backend supports them.
   */
  writeFile(path: string, data: Uint8Array, options?: { exclusive?: boolean; mode?: number }): Promise<void>;
  /** Creates a folder and its parents; `mode` as for writeFile (0o700 for private/). */
  mkdir(path: string, options?: { mode?: number }): Promise<void>;
  /** undefined when nothing is there. */
  stat(path: string): Promise<FileStat | undefined>;
  /** Names of the entries of a folder (not paths). */
  list(path: string): Promise<{ name: string; type: 'file' | 'directory' }[]>;
  rename(from: string, to: string): Promise<void>;
  /** Removes a file (used to undo a half-finished step and for lock files). */
  remove(path: string): Promise<void>;
  /** Sets permission bits where supported; a no-op elsewhere. */
  chmod?(path: string, mode: number): Promise<void>;
}
