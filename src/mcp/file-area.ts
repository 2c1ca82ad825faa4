/**
 * The only files an MCP client may make eks-doctor read (snapshots, reports, a kubeconfig) or
 * write (support bundles): those under the directories given at start-up with `--dir`, or else
 * under the client's MCP roots. A path is checked after symbolic links are resolved, so a link
 * inside the area cannot lead out of it, and a write creates a new file or fails: it never
 * replaces one (O_EXCL also refuses a symbolic link at the final name).
 */
import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../user-error.js';

/** Where the directories come from: fixed at start-up, or asked of the client when a tool needs them. */
export type AreaSource = { kind: 'fixed'; dirs: string[] } | { kind: 'client-roots'; listRoots: () => Promise<string[] | undefined> };

export class FileArea {
  constructor(private readonly source: AreaSource) {}

  /** How the area is described in errors and in the server's start-up line. */
  describe(): string {
    return this.source.kind === 'fixed' ? this.source.dirs.join(', ') : "the client's MCP roots";
  }

  /** The directories, symbolic links resolved; a user error when there are none. */
  async directories(): Promise<string[]> {
    const dirs = this.source.kind === 'fixed' ? this.source.dirs : await this.source.listRoots();
    if (!dirs || dirs.length === 0) {
      throw new UserError(
        'this server may not read or write files: it was started without --dir and the client offers no MCP roots',
        'Start it with `eks-doctor mcp --dir DIR` (see docs/mcp.md), or use a client that shares its workspace as roots.',
      );
    }
    const real: string[] = [];
    for (const dir of dirs) {
      try {
        real.push(await realpath(dir));
      } catch {
        // A root that does not exist (a client's folder since deleted) holds no file to read or write.
      }
    }
    if (real.length === 0) throw new UserError(`none of the allowed directories exists: ${dirs.join(', ')}`);
    return real;
  }

  /** An existing file inside the area, as its real path. */
  async fileToRead(path: string): Promise<string> {
    const dirs = await this.directories();
    const candidate = this.resolveAgainst(path, dirs);
    let real: string;
    try {
      real = await realpath(candidate);
    } catch {
      throw new UserError(`${path} does not exist (looked for ${candidate})`, `Paths are relative to ${dirs[0]}; files may be read under ${dirs.join(', ')}.`);
    }
    this.mustBeInside(real, path, dirs);
    return real;
  }

  /**
   * Creates `path` (inside the area, in a directory that exists) with `content`; a user error when
   * something is already there.
   */
  async writeNewFile(path: string, content: string): Promise<{ path: string; bytes: number }> {
    const dirs = await this.directories();
    const candidate = this.resolveAgainst(path, dirs);
    let parent: string;
    try {
      parent = await realpath(dirname(candidate));
    } catch {
      throw new UserError(`the directory of ${path} does not exist (${dirname(candidate)})`, 'Give a path in an existing directory; eks-doctor creates no directories.');
    }
    const target = join(parent, basename(candidate));
    this.mustBeInside(target, path, dirs);
    let handle;
    try {
      handle = await open(target, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new UserError(`${target} already exists; eks-doctor never overwrites a file`, 'Choose a new file name.');
      }
      throw new UserError(`cannot create ${target}: ${(error as Error).message}`);
    }
    try {
      await handle.writeFile(content, 'utf8');
    } finally {
      await handle.close();
    }
    return { path: target, bytes: Buffer.byteLength(content, 'utf8') };
  }

  private resolveAgainst(path: string, dirs: string[]): string {
    if (path.trim() === '') throw new UserError('the path is empty');
    const plain = path.startsWith('file://') ? fileURLToPath(path) : path;
    return isAbsolute(plain) ? resolve(plain) : resolve(dirs[0]!, plain);
  }

  private mustBeInside(real: string, asGiven: string, dirs: string[]): void {
    if (dirs.some((dir) => isInside(real, dir))) return;
    throw new UserError(`${asGiven} is outside the directories this server may use (${dirs.join(', ')})`, 'Copy the file there, or start the server with another --dir.');
  }
}

export function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** The local directories among a client's roots (MCP roots are URIs; only file:// ones are directories here). */
export function rootDirectories(uris: readonly string[]): string[] {
  return uris.flatMap((uri) => {
    if (!uri.startsWith('file://')) return [];
    try {
      return [fileURLToPath(uri)];
    } catch {
      return [];
    }
  });
}
