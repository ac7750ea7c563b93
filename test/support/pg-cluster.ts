import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where Debian's PostgreSQL 15 keeps initdb, pg_ctl and postgres. */
export const PG_BIN = '/usr/lib/postgresql/15/bin';

/** Why a test of a cluster of its own cannot run here, or null when it can. */
export function pgClusterUnavailable(): string | null {
  return existsSync(join(PG_BIN, 'initdb')) ? null : `initdb not found in ${PG_BIN}`;
}

/** A free TCP port on loopback. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A PostgreSQL cluster of a test's own (initdb in a temporary folder, on a free port, trust auth on
 * loopback), which the test may stop and start: unlike the shared server, nobody else uses it.
 * PostgreSQL refuses to run as root, so as root (in CI) its programs run as the `postgres` user.
 */
export class PgCluster {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  static async create(): Promise<PgCluster> {
    const dir = await mkdtemp(join(tmpdir(), 'beredskap-pg-'));
    if (process.getuid?.() === 0) {
      const { stdout } = await run('id', ['-u', 'postgres']);
      const { stdout: gid } = await run('id', ['-g', 'postgres']);
      await chown(dir, Number(stdout.trim()), Number(gid.trim()));
    }
    const cluster = new PgCluster(dir, await freePort());
    await cluster.pg(
      'initdb',
      '-D',
      cluster.dataDir,
      '-U',
      'postgres',
      '-A',
      'trust',
      '--no-sync',
      '-E',
      'UTF8',
    );
    await cluster.start();
    return cluster;
  }

  get dataDir(): string {
    return join(this.dir, 'data');
  }

  /** postgres://postgres@127.0.0.1:PORT/DATABASE */
  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** Starts the server and waits until it accepts connections. */
  async start(): Promise<void> {
    await this.pg(
      'pg_ctl',
      '-D',
      this.dataDir,
      '-l',
      join(this.dir, 'server.log'),
      '-w',
      '-o',
      `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1`,
      'start',
    );
  }

  /** Stops the server the hard way (`-m immediate`: every backend is killed, as in a crash). */
  async stopImmediately(): Promise<void> {
    await this.pg('pg_ctl', '-D', this.dataDir, '-m', 'immediate', '-w', 'stop');
  }

  /** Stops the server (if it runs) and removes its folder. */
  async destroy(): Promise<void> {
    await this.pg('pg_ctl', '-D', this.dataDir, '-m', 'immediate', '-w', 'stop').catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
  }

  private async pg(program: string, ...args: string[]): Promise<void> {
    const path = join(PG_BIN, program);
    if (process.getuid?.() === 0) await run('runuser', ['-u', 'postgres', '--', path, ...args]);
    else await run(path, args);
  }
}
