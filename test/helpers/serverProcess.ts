import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';

/** A real `countyflow serve` process, for durability and multi-process tests. */
export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Everything it has printed so far (stdout and stderr). */
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const root = join(import.meta.dirname, '../..');

/**
 * A TCP port nothing listens on now, from the system. A port computed from the process id once
 * fell on a service this machine runs (NATS on 4222), and the server could not listen.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Starts a server with the given environment and waits until /health answers (API only unless the web app is built: SERVE_API_ONLY=1). */
export async function startServer(env: Record<string, string>, port: number): Promise<ServerProcess> {
  const child = spawn(process.execPath, [join(root, 'bin/countyflow.mjs'), 'serve'], {
    cwd: root,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', SCRYPT_LOG_N: '10', TIMER_INTERVAL_MS: '200', SERVE_API_ONLY: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(url, child, () => output);
  return {
    url, child,
    output: () => output,
    kill: (signal = 'SIGKILL') => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill(signal);
    }),
  };
}

/** Waits until a server's /health answers 200; throws with what it printed when it exits or does not answer in time. */
export async function waitForHealth(url: string, child: ChildProcess, output: () => string): Promise<void> {
  // A deadline, not a count of tries: on a loaded 2-core machine one PGlite start-up can take most of a minute.
  const deadline = Date.now() + 90_000;
  let health = 'no answer';
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}: ${output()}`);
    const ok = await fetch(`${url}/health`, { signal: AbortSignal.timeout(10_000) }).then(async (r) => {
      health = `${r.status} ${await r.text()}`;
      return r.ok;
    }, (e: Error) => void (health = e.message));
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`server did not start within 90 s (last /health: ${health}): ${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A logged-in HTTP client of a running server (the demo users' password unless another is given). */
export async function httpLogin(url: string, county: string, username: string, password = 'demo1234') {
  const res = await fetch(`${url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ county, username, password }) });
  if (!res.ok) throw new Error(`login ${res.status}`);
  const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const r = await fetch(`${url}${path}`, { method, headers: { cookie, 'x-csrf-token': csrfToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: r.status, body: (await r.json().catch(() => null)) as Record<string, unknown> };
  };
  return { call, cookie };
}
