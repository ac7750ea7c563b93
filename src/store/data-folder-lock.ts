import { readFileSync, unlinkSync } from 'node:fs';
import { open, readFile, stat, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';

/**
 * One process at a time on an embedded (PGlite) database folder.
 *
 * PGlite is PostgreSQL inside one process: two processes on one folder each believe they own its files,
 * and what one writes the other overwrites or never sees (issue 11 item 5: an `ingest` next to a running
 * `serve` was receipted, then lost or half visible). So whoever opens the folder first holds this lock,
 * and every other process is refused at once with a message that names the holder.
 *
 * Our choice, without a new dependency: a file `beredskap.lock` in the folder, created with O_EXCL
 * (`wx`: exactly one creator wins), holding the holder's pid, its start time, host and command. A
 * process that dies without removing it (SIGKILL, power cut) does not leave the folder stuck: a lock
 * whose pid no longer runs, or now belongs to another process (its start time differs: the pid was
 * reused), is stale and is broken by the next opener. Breaking is itself serialised by a second
 * O_EXCL file, so two openers that both find a stale lock cannot remove each other's fresh one.
 * A lock taken on another host (a shared network folder) cannot be checked and counts as held.
 */

/** The lock file's name inside the data folder. */
export const DATA_FOLDER_LOCK_FILE = 'beredskap.lock';

/**
 * A lock file older than this that cannot be read (its creator died between creating and writing it,
 * a few microseconds) is stale; younger, it is being written and counts as held. Our choice.
 */
export const UNREADABLE_LOCK_STALE_MS = 10_000;

/** The holder of a data folder, as written in its lock file. */
export interface LockHolder {
  pid: number;
  /** The process's start time in clock ticks since boot (Linux /proc), to tell a reused pid; or null. */
  startTicks: string | null;
  hostname: string;
  /** The command line it runs, e.g. `beredskap serve`. */
  command: string;
  /** When it took the lock (ISO 8601). */
  since: string;
  /** Unique per lock taken, so that a process releases only its own. */
  token: string;
}

/** Another process holds the folder. The message names it and says what to do. */
export class DataFolderInUseError extends Error {
  constructor(
    readonly folder: string,
    readonly holder: LockHolder | null,
  ) {
    const who = holder
      ? `pid ${holder.pid}${holder.hostname !== hostname() ? ` on ${holder.hostname}` : ''}, ` +
        `\`${holder.command}\`, since ${holder.since}`
      : 'a process that is taking it right now';
    super(
      `databasmappen ${folder} används redan av en annan process / the database folder ${folder} is in ` +
        `use by another process (${who}). An embedded database serves one process at a time: stop that ` +
        'process first, or send the report to the running server (POST /api/reports/…). If no such process ' +
        `runs any more, delete ${join(folder, DATA_FOLDER_LOCK_FILE)}.`,
    );
    this.name = 'DataFolderInUseError';
  }
}

/** A lock this process holds. */
export interface DataFolderLock {
  readonly folder: string;
  readonly holder: LockHolder;
  /** Removes the lock file (when it is still this lock's). Idempotent. */
  release(): Promise<void>;
}

/** Locks this process holds, removed on exit (process.exit included) if not released before. */
const held = new Map<string, LockHolder>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const [path, holder] of held) {
      try {
        if (parseHolder(readFileSync(path, 'utf8'))?.token === holder.token) unlinkSync(path);
      } catch {
        // Gone already, or unreadable: nothing of ours to remove.
      }
    }
  });
}

/**
 * Takes the lock on `folder` (which must exist), or throws `DataFolderInUseError` at once when a live
 * process holds it. A stale lock (its process is gone) is broken and taken.
 */
export async function lockDataFolder(folder: string): Promise<DataFolderLock> {
  const path = join(folder, DATA_FOLDER_LOCK_FILE);
  const holder: LockHolder = {
    pid: process.pid,
    startTicks: startTicksOf(process.pid),
    hostname: hostname(),
    command: commandLine(),
    since: new Date().toISOString(),
    token: randomBytes(8).toString('hex'),
  };
  // A few rounds: each either takes the lock, finds it held (and throws), or removes a stale one.
  for (let round = 0; round < 5; round++) {
    if (await createExclusive(path, `${JSON.stringify(holder)}\n`)) {
      held.set(path, holder);
      installExitHook();
      return {
        folder,
        holder,
        async release() {
          if (held.get(path)?.token !== holder.token) return;
          held.delete(path);
          const current = await readHolder(path);
          if (current.kind === 'holder' && current.holder.token === holder.token)
            await unlink(path).catch(() => undefined);
        },
      };
    }
    const found = await readHolder(path);
    if (found.kind === 'gone') continue;
    if (found.kind === 'holder' && isAlive(found.holder))
      throw new DataFolderInUseError(folder, found.holder);
    if (found.kind === 'unreadable' && Date.now() - found.mtimeMs < UNREADABLE_LOCK_STALE_MS)
      throw new DataFolderInUseError(folder, null);
    await breakStale(path, found.raw);
  }
  throw new DataFolderInUseError(folder, null);
}

/** Creates `path` with `content` if it does not exist (O_EXCL); false when it exists. */
async function createExclusive(path: string, content: string): Promise<boolean> {
  let file;
  try {
    file = await open(path, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    await file.writeFile(content);
    await file.sync();
  } finally {
    await file.close();
  }
  return true;
}

type Found =
  | { kind: 'holder'; holder: LockHolder; raw: string }
  | { kind: 'unreadable'; raw: string; mtimeMs: number }
  | { kind: 'gone' };

async function readHolder(path: string): Promise<Found> {
  try {
    const [raw, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    const holder = parseHolder(raw);
    return holder ? { kind: 'holder', holder, raw } : { kind: 'unreadable', raw, mtimeMs: info.mtimeMs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'gone' };
    throw err;
  }
}

function parseHolder(raw: string): LockHolder | null {
  try {
    const v = JSON.parse(raw) as Partial<LockHolder>;
    if (typeof v.pid !== 'number' || typeof v.token !== 'string') return null;
    return {
      pid: v.pid,
      startTicks: typeof v.startTicks === 'string' ? v.startTicks : null,
      hostname: typeof v.hostname === 'string' ? v.hostname : '',
      command: typeof v.command === 'string' ? v.command : '',
      since: typeof v.since === 'string' ? v.since : '',
      token: v.token,
    };
  } catch {
    return null;
  }
}

/**
 * Whether the lock's process still runs: the pid exists and, where the start time can be read, it is
 * the same process that took the lock (not a later one that got its pid). A lock of another host
 * counts as alive: we cannot look.
 */
export function isAlive(holder: LockHolder): boolean {
  if (holder.hostname !== hostname()) return true;
  if (holder.pid === process.pid) {
    // This process: held by another open of the same folder here, or left by an earlier process
    // that had the same pid (a container's pid 1): then its start time differs.
    if ([...held.values()].some((h) => h.token === holder.token)) return true;
  }
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    // EPERM: it runs, as another user.
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  if (holder.startTicks === null) return true;
  const now = startTicksOf(holder.pid);
  return now === null || now === holder.startTicks;
}

/** Linux: field 22 of /proc/PID/stat, the start time in clock ticks since boot; null elsewhere. */
export function startTicksOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

/**
 * Removes the stale lock whose content was `raw`, unless someone replaced it meanwhile. One breaker
 * at a time (an O_EXCL file beside the lock), so a fresh lock is never taken for the stale one.
 */
async function breakStale(path: string, raw: string): Promise<void> {
  const breaker = `${path}.break`;
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await createExclusive(breaker, `${process.pid}\n`)) {
      try {
        const now = await readHolder(path);
        if (now.kind !== 'gone' && now.raw === raw) await unlink(path).catch(() => undefined);
      } finally {
        await unlink(breaker).catch(() => undefined);
      }
      return;
    }
    // Another opener is breaking it; a breaker left by a crash in these few statements is old.
    const info = await stat(breaker).catch(() => null);
    if (info !== null && Date.now() - info.mtimeMs > UNREADABLE_LOCK_STALE_MS)
      await unlink(breaker).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function commandLine(): string {
  const args = process.argv.slice(2).join(' ');
  const command = `beredskap ${args}`.trim();
  return command.length > 200 ? `${command.slice(0, 197)}…` : command;
}
