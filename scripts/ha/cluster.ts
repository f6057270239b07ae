/**
 * A local highly available PostgreSQL made by pg_auto_failover (Debian: postgresql-15-auto-failover,
 * pg-auto-failover-cli): a monitor, a primary and a synchronous standby, on loopback ports, each
 * `pg_autoctl run` in its own process group so a node can be killed whole, as when its machine dies.
 * Used by `npm run test:ha` (failoverTest.ts) and described in docs/scaling.md.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';

const BIN = '/usr/lib/postgresql/15/bin';
const PATH = `${BIN}:${process.env.PATH}`;

export interface Cluster {
  dir: string;
  monitorPort: number;
  nodePorts: [number, number];
  /** postgres://h1,h2/db as pg_autoctl show uri gives it (target_session_attrs=read-write). */
  url: string;
  /** The port of the node that is primary now (asks PostgreSQL itself). */
  primaryPort(): number | null;
  /** Kills a node's keeper and PostgreSQL at once (kill -9 of its process group). */
  killNode(port: number): void;
  /** Kills the monitor's keeper and PostgreSQL. */
  killMonitor(): void;
  /**
   * Makes the standby synchronous (commits wait for it) or asynchronous (pg_autoctl set node
   * replication-quorum), and waits until the primary's synchronous_standby_names says so.
   */
  setSynchronous(on: boolean): Promise<void>;
  /** The standby's replay lag as the primary sees it, in ms (0 when caught up; null without a standby). */
  replayLagMs(): number | null;
  /** The monitor's view: one line per node. */
  state(): string;
  stop(): void;
}

/** True when pg_autoctl is installed. */
export const haAvailable = () => existsSync('/usr/bin/pg_autoctl') && existsSync(join(BIN, 'postgres'));

/**
 * A command of the cluster in `dir`: pg_autoctl keeps its settings under the cluster's folder, and
 * refuses to run as root, so as root the command runs as the postgres user.
 */
function asPostgres(dir: string, cmd: string, args: string[]): { cmd: string; args: string[]; env: NodeJS.ProcessEnv } {
  const vars = { PATH, XDG_CONFIG_HOME: `${dir}/config`, XDG_DATA_HOME: `${dir}/data` };
  return userInfo().uid === 0
    ? { cmd: 'runuser', args: ['-u', 'postgres', '--', 'env', ...Object.entries(vars).map(([k, v]) => `${k}=${v}`), cmd, ...args], env: process.env }
    : { cmd, args, env: { ...process.env, ...vars } };
}

function run(dir: string, args: string[]): string {
  const c = asPostgres(dir, 'pg_autoctl', args);
  return execFileSync(c.cmd, c.args, { encoding: 'utf8', env: c.env, stdio: ['ignore', 'pipe', 'pipe'] });
}

function psqlValue(port: number, query: string): string | null {
  try {
    return execFileSync(`${BIN}/psql`, [`postgres://postgres@127.0.0.1:${port}/test`, '-tAc', query], { encoding: 'utf8', timeout: 3000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Creates and starts the monitor and two nodes; resolves when a primary streams synchronously to its standby. */
export async function startCluster(basePort: number): Promise<Cluster> {
  const dir = mkdtempSync('/tmp/cf-ha-');
  if (userInfo().uid === 0) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })));
  const monitorPort = basePort;
  const nodePorts: [number, number] = [basePort + 1, basePort + 2];
  const keepers = new Map<string, ChildProcess>();
  const keep = (name: string) => {
    const c = asPostgres(dir, 'pg_autoctl', ['run', '--pgdata', join(dir, name)]);
    const child = spawn(c.cmd, c.args, { detached: true, stdio: 'ignore', env: c.env });
    keepers.set(name, child);
  };
  run(dir, ['create', 'monitor', '--pgdata', join(dir, 'monitor'), '--pgport', String(monitorPort), '--hostname', '127.0.0.1', '--auth', 'trust', '--no-ssl']);
  keep('monitor');
  for (let i = 0; i < 60 && psqlValue(monitorPort, 'SELECT 1') === null; i++) await sleep(500);
  const monitorUri = `postgres://autoctl_node@127.0.0.1:${monitorPort}/pg_auto_failover?sslmode=disable`;
  for (const [i, port] of nodePorts.entries()) {
    run(dir, ['create', 'postgres', '--pgdata', join(dir, `node${i + 1}`), '--pgport', String(port), '--hostname', '127.0.0.1', '--auth', 'trust', '--no-ssl', '--dbname', 'test', '--monitor', monitorUri]);
    keep(`node${i + 1}`);
    // The first node must be primary before the second joins as its standby.
    for (let t = 0; t < 120; t++) {
      if (i === 0 ? psqlValue(port, 'SELECT pg_is_in_recovery()') === 'f' : psqlValue(nodePorts[0], "SELECT count(*) FROM pg_stat_replication WHERE sync_state IN ('sync', 'quorum')") === '1') break;
      await sleep(500);
    }
  }
  const cluster: Cluster = {
    dir, monitorPort, nodePorts,
    url: `postgres://postgres@127.0.0.1:${nodePorts[0]},127.0.0.1:${nodePorts[1]}/test?target_session_attrs=read-write`,
    primaryPort: () => nodePorts.find((p) => psqlValue(p, 'SELECT pg_is_in_recovery()') === 'f') ?? null,
    killNode(port) {
      const child = keepers.get(`node${nodePorts.indexOf(port as never) + 1}`);
      if (child?.pid) process.kill(-child.pid, 'SIGKILL');
    },
    killMonitor() {
      const child = keepers.get('monitor');
      if (child?.pid) process.kill(-child.pid, 'SIGKILL');
    },
    async setSynchronous(on) {
      const primary = cluster.primaryPort()!;
      const standby = nodePorts.find((p) => p !== primary)!;
      run(dir, ['set', 'node', 'replication-quorum', '--pgdata', join(dir, `node${nodePorts.indexOf(standby) + 1}`), String(on)]);
      for (let t = 0; t < 120; t++) {
        if ((psqlValue(primary, 'SHOW synchronous_standby_names') !== '') === on) return;
        await sleep(500);
      }
      throw new Error(`synchronous_standby_names did not follow replication-quorum ${on}`);
    },
    replayLagMs() {
      const v = psqlValue(cluster.primaryPort() ?? nodePorts[0], 'SELECT coalesce(extract(epoch FROM replay_lag) * 1000, 0) FROM pg_stat_replication');
      return v ? Number(v) : null;
    },
    state: () => {
      try {
        return run(dir, ['show', 'state', '--pgdata', join(dir, 'monitor')]);
      } catch (e) {
        return String((e as Error).message);
      }
    },
    stop() {
      for (const child of keepers.values()) {
        try {
          if (child.pid) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      // PostgreSQL processes left by a killed keeper: stop them by their data folders.
      for (const name of ['node1', 'node2', 'monitor']) {
        const c = asPostgres(dir, `${BIN}/pg_ctl`, ['-D', join(dir, name), 'stop', '-m', 'immediate']);
        try {
          execFileSync(c.cmd, c.args, { stdio: 'ignore', env: c.env });
        } catch {
          // not running
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return cluster;
}
