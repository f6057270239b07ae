/** A county's outgoing channels (WeCom / DingTalk group robots, signed webhooks) and their delivery log; county IT authors only. */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { requireActor } from '../authPlugin';
import type { Db } from '../db/open';
import { AppError } from '../errors';
import type { Config } from '../config';
import { AddressRefused, type AllowHosts, hostOf, resolveChecked, urlProblem } from '../messages/channelAddress';
import { CHANNEL_KINDS } from '../messages/channelFormats';
import { channelDeliveries, deleteChannel, insertChannel, listChannels } from '../messages/channelQueries';
import { MESSAGE_KINDS } from '../messages/stepMessages';
import { requireAuthor } from './requireAuthor';
import { errors, processIdPattern } from './schemas';

const channelBody = {
  type: 'object', required: ['kind', 'name', 'url', 'kinds'], additionalProperties: false,
  properties: {
    kind: { enum: CHANNEL_KINDS, description: 'wecom 企业微信群机器人、dingtalk 钉钉群机器人、webhook 本县系统（HMAC 签名）' },
    name: { type: 'string', minLength: 1, maxLength: 50 },
    url: { type: 'string', maxLength: 500, pattern: '^https?://[^\\s]+$' },
    secret: { type: 'string', minLength: 8, maxLength: 200 },
    processId: { type: 'string', pattern: processIdPattern, description: '只发这个流程的消息；不填则全部流程' },
    kinds: { type: 'array', minItems: 1, maxItems: MESSAGE_KINDS.length, uniqueItems: true, items: { enum: MESSAGE_KINDS } },
  },
} as const;

/**
 * Refuses (CF_CHANNEL_ADDRESS, naming 「url」) an address a delivery would refuse: not https,
 * or a host that is or resolves to a non-public address, unless the operator allows the host.
 * A name DNS cannot resolve now is kept: every delivery checks again.
 */
async function checkChannelUrl(text: string, allow: AllowHosts): Promise<void> {
  const refuse = (why: string) => new AppError('CF_CHANNEL_ADDRESS', undefined, [{ path: '/url', field: 'url', message: `「url」${why}` }]);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw refuse('不是有效的网址');
  }
  const problem = urlProblem(url, allow);
  if (problem) throw refuse(problem);
  const host = hostOf(url);
  if (allow.includes(host)) return;
  const refused = await resolveChecked(host, allow).then(() => false, (e: unknown) => e instanceof AddressRefused);
  if (refused) throw refuse('解析到本机、内网或保留地址，不允许');
}

export function channelRoutes(app: FastifyInstance, db: Db, config: Pick<Config, 'channelAllowHosts'>): void {
  app.get('/api/channels', { schema: { tags: ['messages'], summary: '本县的消息推送渠道', response: errors(401, 403) } }, async (request) => {
    const actor = requireActor(request);
    await requireAuthor(db, actor, 'channels', app.clock.now());
    const rows = await db.run(actor.county, (k) => listChannels(k, actor.county));
    // The secret is never sent back: only whether one is set.
    return rows.map((r) => ({ id: r.id, kind: r.kind, name: r.name, url: r.url, signed: r.secret !== null, processId: r.process_id, kinds: r.kinds.split(',') }));
  });

  app.post('/api/channels', { schema: { tags: ['messages'], summary: '添加消息推送渠道', body: channelBody, response: errors(400, 401, 403) } }, async (request, reply) => {
    const actor = requireActor(request);
    await requireAuthor(db, actor, 'channels', app.clock.now());
    const b = request.body as { kind: string; name: string; url: string; secret?: string; processId?: string; kinds: string[] };
    await checkChannelUrl(b.url, config.channelAllowHosts);
    const id = randomUUID();
    await db.run(actor.county, (k) => insertChannel(k, actor.county, {
      id, kind: b.kind, name: b.name, url: b.url, secret: b.secret ?? null, processId: b.processId ?? null, kinds: b.kinds.join(','), createdBy: actor.id, createdAt: app.clock.now(),
    }));
    return reply.status(201).send({ id });
  });

  app.delete('/api/channels/:id', { schema: { tags: ['messages'], summary: '删除消息推送渠道', params: { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[A-Za-z0-9-]{1,64}$' } } }, response: errors(401, 403, 404) } }, async (request, reply) => {
    const actor = requireActor(request);
    await requireAuthor(db, actor, 'channels', app.clock.now());
    const { id } = request.params as { id: string };
    const gone = await db.run(actor.county, (k) => deleteChannel(k, actor.county, id));
    if (!Number(gone.numDeletedRows)) throw new AppError('CF_NOT_FOUND');
    return reply.status(204).send();
  });

  app.get('/api/channels/:id/deliveries', {
    schema: { tags: ['messages'], summary: '渠道的发送记录（每次尝试的结果）', params: { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[A-Za-z0-9-]{1,64}$' } } }, response: errors(401, 403) },
  }, async (request) => {
    const actor = requireActor(request);
    await requireAuthor(db, actor, 'channels', app.clock.now());
    const { id } = request.params as { id: string };
    const rows = await db.run(actor.county, (k) => channelDeliveries(k, actor.county, id));
    return rows.map((r) => ({
      id: Number(r.id), caseId: r.case_id, kind: r.kind, status: r.status, attempts: r.attempts, lastStatus: r.last_status, lastError: r.last_error,
      createdAt: new Date(r.created_at).toISOString(), deliveredAt: r.delivered_at ? new Date(r.delivered_at).toISOString() : null,
    }));
  });
}
