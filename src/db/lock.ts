// One process per embedded database directory. PGlite has no server to share: a second process
// opening the same files works on its own copy of the catalog and buffers, and what it writes is
// lost or overwritten (a token the running server never sees). So the directory is locked.
import { closeSync, linkSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';

/**
 * The lock file of an embedded database directory: beside it, `<dir>.lock` (PGlite refuses to
 * create a database in a directory that holds any file, so it cannot live inside).
 */
export function lockPath(dataDir: string): string {
  return `${dataDir.replace(/[\\/]+$/, '')}.lock`;
}

interface LockInfo { pid: number; hostname: string; started: string; procStart: string | null; command: string; nonce: string }

/** A second process wanted a directory another holds; its message is one line for the operator. */
export class DatabaseLockedError extends Error {
  readonly exitCode = 3;
  constructor(readonly dataDir: string, readonly holder: LockInfo | null) {
    const who = holder
      ? `process ${holder.pid} on ${holder.hostname} (peergate ${holder.command || 'serve'}, since ${holder.started})`
      : 'another process';
    super(`peergate: the embedded database ${dataDir} is in use by ${who}. Only one process may open it: `
      + 'stop that process first, or make the change through its API instead (GraphQL at /graphql, e.g. the createToken mutation '
      + `instead of "peergate token create"). If no such process exists, delete ${lockPath(dataDir)}.`);
    this.name = 'DatabaseLockedError';
  }
}

/** When the kernel started process `pid` (Linux: field 22 of /proc/<pid>/stat), or null if unknown. */
function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether the process that wrote `info` still runs. A recorded kernel start time tells a reused
 * pid (after a reboot or a container restart) from the same process; a lock from another host
 * cannot be checked and counts as held.
 */
function holderRunning(info: LockInfo): boolean {
  if (info.hostname !== hostname()) return true;
  if (!alive(info.pid)) return false;
  if (info.procStart !== null) {
    const now = processStart(info.pid);
    if (now !== null) return now === info.procStart;
  }
  return true;
}

function readLock(path: string): LockInfo | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockInfo;
  } catch {
    return null;
  }
}

export class DirectoryLock {
  private released = false;
  private readonly onExit = () => this.releaseSync();

  private constructor(readonly path: string, private readonly nonce: string) {
    // A process that exits without closing (an uncaught error, process.exit) still frees the directory.
    process.once('exit', this.onExit);
  }

  /** Takes the lock on `dataDir`, or throws DatabaseLockedError naming its holder. */
  static acquire(dataDir: string, command = process.argv.slice(2).join(' ')): DirectoryLock {
    const path = lockPath(dataDir);
    const info: LockInfo = {
      pid: process.pid, hostname: hostname(), started: new Date().toISOString(), procStart: processStart(process.pid),
      command, nonce: randomBytes(8).toString('hex'),
    };
    // Written whole to a private file, then linked into place: link() fails if the lock exists,
    // and nobody ever reads a half-written lock.
    const tmp = `${path}.${process.pid}.${info.nonce}`;
    const fd = openSync(tmp, 'wx', 0o644);
    try { writeSync(fd, JSON.stringify(info) + '\n'); } finally { closeSync(fd); }
    try {
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          linkSync(tmp, path);
          return new DirectoryLock(path, info.nonce);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        }
        const holder = readLock(path);
        if (holder && holderRunning(holder)) throw new DatabaseLockedError(dataDir, holder);
        // A dead holder's lock (or an unreadable one, which no running peergate leaves: it
        // writes before linking). Remove it only if it is still the one read, then retry.
        const again = readLock(path);
        if (JSON.stringify(again) === JSON.stringify(holder)) {
          try { unlinkSync(path); } catch (e) { if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e; }
        }
      }
      throw new DatabaseLockedError(dataDir, readLock(path));
    } finally {
      try { unlinkSync(tmp); } catch { /* already gone */ }
    }
  }

  /** Frees the directory (only if the lock file is still this process's). */
  release(): void {
    this.releaseSync();
    process.off('exit', this.onExit);
  }

  private releaseSync(): void {
    if (this.released) return;
    this.released = true;
    if (readLock(this.path)?.nonce === this.nonce) {
      try { unlinkSync(this.path); } catch { /* already gone */ }
    }
  }
}
