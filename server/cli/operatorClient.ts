/**
 * How a command reaches the serving process that owns the embedded database (only one process may
 * open it): the address and token it wrote to DATA_DIR/operator.json, and its /operator routes.
 * On PostgreSQL commands open their own connection beside the running servers.
 */
import { type OperatorFile, readOperatorFile } from '../backup/operatorFile';
import type { Config } from '../config';
import { processAlive } from '../db/dataDirLock';

/** The serving process that owns the embedded database, when one is running; null on PostgreSQL or with no server. */
export function servingProcess(config: Config): OperatorFile | null {
  const server = config.databaseUrl ? null : readOperatorFile(config.dataDir);
  return server && processAlive(server.pid) ? server : null;
}

/** POSTs to one of the serving process's operator routes; an unreachable server or a refusal is an Error saying so in Chinese. */
export async function postOperator(server: OperatorFile, path: string, body: object): Promise<Response> {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }).catch((e: Error) => e);
  if (res instanceof Error) {
    throw new Error(`无法连接正在运行的服务（${server.url}）：${(res.cause as Error | undefined)?.message ?? res.message}。服务若已停止，operator.json 是它留下的：删除数据目录里的 operator.json 后重试`);
  }
  if (!res.ok) {
    const answer = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw new Error(`服务拒绝了请求（${res.status}）：${answer?.error?.message ?? res.statusText}`);
  }
  return res;
}

/** An operator route's JSON answer. */
export const askOperator = async (server: OperatorFile, path: string, body: object): Promise<unknown> => (await postOperator(server, path, body)).json();
