import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** The repository's root, where `bin/beredskap.js` lives. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'bin/beredskap.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `beredskap ARGS…` as a child process with `env`; a non-zero exit is returned, not thrown. */
export async function runCli(env: NodeJS.ProcessEnv, ...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { cwd: ROOT, env });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** A `beredskap serve` child process that listens at `url`. */
export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
}

/** Starts `beredskap serve` (PORT 0: a free port) as a child process; resolves once it listens. */
export function startServeProcess(env: NodeJS.ProcessEnv): Promise<ServerProcess> {
  const child = spawn(process.execPath, [CLI, 'serve'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /(?:serves|kör på) (http:\/\/\S+)/.exec(out);
      if (m) resolve({ child, url: m[1]!, stderr: () => err });
    });
    child.on('exit', (code, signal) =>
      reject(new Error(`server exited (${code ?? signal}) before listening: ${err}`)),
    );
  });
}

/** Resolves 'exited' when `child` has exited, or 'still running' after `timeoutMs`. */
export function exitOf(child: ChildProcess, timeoutMs: number): Promise<'exited' | 'still running'> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve('exited');
    const timer = setTimeout(() => resolve('still running'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve('exited');
    });
  });
}
