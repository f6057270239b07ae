import { PassThrough } from 'node:stream';
import type { FastifyPluginAsyncJsonSchemaToTs } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyRequest } from 'fastify';
import type { Config } from '../config';
import type { Db } from '../db/open';
import { AppError } from '../errors';
import { backupRunning, takeBackup } from '../backup/takeBackup';
import { bearerCheck, fromLoopback } from '../metrics/metricsAccess';
import { parseCountyCommand, runCountyCommand } from '../admin/countyCommand';
import { errors } from './schemas';

/** What the operator's routes need: the token this server wrote to DATA_DIR/operator.json (backup/operatorFile.ts). */
export interface OperatorRoutesOptions {
  db: Db;
  config: Config;
  token: string;
}

/**
 * The operator's routes, for commands on this machine that need the serving process (it alone opens the embedded database).
 * POST /operator/backup: a backup taken by the serving process (the embedded database is open
 * only here), for `countyflow backup` on this machine with the token from operator.json. The answer
 * is a stream of JSON lines as the work goes: `{"progress":…}`, then `{"done":…}` or `{"error":…}`.
 */
export const operatorRoutes: FastifyPluginAsyncJsonSchemaToTs<{ Options: OperatorRoutesOptions }> = async (app, { db, config, token }) => {
  const tokenMatches = bearerCheck(token);
  /**
   * From this machine: loopback, or the server's own address when it listens on one (HOST), with this server's token.
   * The socket's own peer, never a forwarded-for header (a proxy on this host would make every request look local): a proxied request is refused.
   */
  const operatorOnly = (request: FastifyRequest) => {
    const peer = request.socket.remoteAddress ?? '';
    if (request.headers['x-forwarded-for'] !== undefined || (!fromLoopback(peer) && peer !== request.socket.localAddress)) throw new AppError('CF_OPERATOR_FORBIDDEN');
    if (!tokenMatches(request.headers.authorization)) throw new AppError('CF_OPERATOR_TOKEN');
  };
  const headers = { type: 'object', properties: { authorization: { type: 'string' } } } as const;

  app.post('/operator/backup', {
    schema: {
      hide: true,
      headers,
      body: {
        type: 'object', additionalProperties: false, required: ['folder'],
        properties: { folder: { type: 'string', pattern: '^/', maxLength: 4096 }, keep: { type: 'integer', minimum: 1 } },
      } as const,
      response: errors(400, 401, 403, 409),
    },
  }, async (request, reply) => {
    operatorOnly(request);
    if (backupRunning()) throw new AppError('CF_BACKUP_RUNNING');
    const { folder, keep } = request.body;
    const out = new PassThrough();
    const line = (entry: object) => out.write(`${JSON.stringify(entry)}\n`);
    const log = request.log.child({ backup: folder });
    void takeBackup(db, config, folder, {
      now: app.clock.now(),
      ...(keep ? { keep } : {}),
      progress: (text) => {
        log.info(text);
        line({ progress: text });
      },
    }).then((done) => {
      log.info(done, '备份完成');
      line({ done });
    }, (e: unknown) => {
      log.error({ err: String(e) }, '备份失败');
      line({ error: (e as Error).message ?? String(e) });
    }).finally(() => out.end());
    return reply.type('application/x-ndjson').send(out);
  });

  /** POST /operator/county: `countyflow county add` / `user add` run by the serving process, which alone may open the embedded database. */
  app.post('/operator/county', {
    schema: {
      hide: true,
      headers,
      body: {
        type: 'object', additionalProperties: false, required: ['command', 'args'],
        properties: { command: { type: 'string', enum: ['county', 'user'] }, args: { type: 'array', maxItems: 40, items: { type: 'string', maxLength: 200 } } },
      } as const,
      response: { 200: { type: 'object', required: ['text'], properties: { text: { type: 'string' } } } as const, ...errors(400, 401, 403, 404, 409) },
    },
  }, async (request) => {
    operatorOnly(request);
    const parsed = parseCountyCommand(request.body.command, request.body.args);
    if (!parsed) throw new AppError('CF_VALIDATION', '命令不对：county add <县代码> <县名>，或 user add <县代码> <用户名> <姓名> (--admin | --role 角色 --unit 单位编号 …)');
    return { text: await runCountyCommand(db, parsed, app.clock.now()) };
  });
};
