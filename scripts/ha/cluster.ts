/**
 * A local highly available PostgreSQL made by pg_auto_failover (Debian: postgresql-15-auto-failover,
 * pg-auto-failover-cli): a monitor, a primary and a synchronous standby, on loopback ports, each
 * `pg_autoctl run` in its own process group. A node is killed whole, as when its machine dies: its
 * group and every process of its PostgreSQL, each of which leads a process group of its own.
 * Used by `npm run test:ha` (failoverTest.ts) and described in docs/scaling.md.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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
  /** Kills a node's keeper and all of its PostgreSQL at once (kill -9), as when its machine dies. */
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

/**
 * The processes of the PostgreSQL in `pgdata`: its postmaster and every process it forked. Each child
 * (a backend, the WAL sender, the checkpointer) leads a process group of its own, so killing the
 * keeper's group leaves them running until they notice the postmaster is gone: a backend could still
 * commit, and the WAL sender still stream, after the "kill".
 */
function postgresProcesses(pgdata: string): number[] {
  let postmaster: string;
  try {
    postmaster = readFileSync(join(pgdata, 'postmaster.pid'), 'utf8').split('\n')[0]!.trim();
  } catch {
    return [];
  }
  const children = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((d) => {
    try {
      // After the command name (which may hold spaces): the state, then the parent's pid.
      return readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1]!.split(' ')[1] === postmaster;
    } catch {
      return false;
    }
  });
  return [postmaster, ...children].map(Number);
}

/** Kills a process group and the processes given, all at once (found first: a killed postmaster's children are handed to init). */
function killAll(group: number | undefined, pids: number[]): void {
  if (group) process.kill(-group, 'SIGKILL');
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

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
      const name = `node${nodePorts.indexOf(port as never) + 1}`;
      killAll(keepers.get(name)?.pid, postgresProcesses(join(dir, name)));
    },
    killMonitor() {
      killAll(keepers.get('monitor')?.pid, postgresProcesses(join(dir, 'monitor')));
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
