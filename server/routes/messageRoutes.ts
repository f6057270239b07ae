/** The message centre: what each person should know, newest first, with how many are unread. */
import type { FastifyInstance } from 'fastify';
import { requireActor } from '../authPlugin';
import type { Db } from '../db/open';
import { markRead, messagesOf, unreadCount } from '../messages/messageQueries';
import { errors } from './schemas';

const messageSchema = {
  type: 'object',
  properties: { id: { type: 'integer' }, caseId: { type: 'string' }, kind: { type: 'string', description: 'task 新待办、returned 被退回、decided 已审核、done 已办结、due_soon 即将到期、overdue 已超期、copy 抄送、notice 流程通知（定义中的 notify）' }, title: { type: 'string' }, body: { type: 'string' }, createdAt: { type: 'string' }, read: { type: 'boolean' } },
} as const;

export function messageRoutes(app: FastifyInstance, db: Db): void {
  app.get('/api/messages', {
    schema: {
      tags: ['messages'], summary: '我的消息（最新在前）与未读数',
      querystring: { type: 'object', additionalProperties: false, properties: { unread: { type: 'boolean' }, limit: { type: 'integer', minimum: 1, maximum: 100 } } },
      response: { 200: { type: 'object', properties: { unread: { type: 'integer' }, items: { type: 'array', items: messageSchema } } }, ...errors(400, 401) },
    },
  }, async (request) => {
    const actor = requireActor(request);
    const q = request.query as { unread?: boolean; limit?: number };
    const { rows, unread } = await db.run(actor.county, (k) => messagesOf(k, actor.county, actor.id, { unread: q.unread, limit: q.limit ?? 50 }));
    return {
      unread,
      items: rows.map((r) => ({ id: Number(r.id), caseId: r.case_id, kind: r.kind, title: r.title, body: r.body, createdAt: new Date(r.created_at).toISOString(), read: r.read_at !== null })),
    };
  });

  app.post('/api/messages/read', {
    schema: {
      tags: ['messages'], summary: '标为已读（指定的，或全部）',
      body: { type: 'object', additionalProperties: false, properties: { ids: { type: 'array', maxItems: 200, items: { type: 'integer', minimum: 1 } }, all: { type: 'boolean' } } },
      response: { 200: { type: 'object', properties: { unread: { type: 'integer' } } }, ...errors(400, 401, 403) },
    },
  }, async (request) => {
    const actor = requireActor(request);
    const body = request.body as { ids?: number[]; all?: boolean };
    return db.run(actor.county, async (k) => {
      if (body.all || body.ids?.length) await markRead(k, actor.county, actor.id, app.clock.now(), body.all ? undefined : body.ids);
      return { unread: await unreadCount(k, actor.county, actor.id) };
    });
  });
}
