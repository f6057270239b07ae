import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Definition } from '../../engine/index';
import { deleteDraft, readDraft } from '../authoring/draftQueries';
import { libraryRows } from '../authoring/libraryQueries';
import { rolesHeld } from '../admin/peopleQueries';
import { requireActor } from '../authPlugin';
import type { Db } from '../db/open';
import { definitionsRoot, templateFinder } from '../definitionFiles';
import { AppError } from '../errors';
import { roleLabels } from '../admin/roleLabels';
import { requireAuthor } from './requireAuthor';
import { errors, processIdPattern } from './schemas';

const processParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: processIdPattern } } } as const;

/** What IT staff need to author processes: the library, drafts, and the shared templates. */
export function authoringRoutes(app: FastifyInstance, db: Db): void {
  app.get('/api/library', {
    schema: { tags: ['authoring'], summary: '流程库：草稿、已发布版本、继承的模板、各版本在办案件数（流程管理员）', response: { 200: { type: 'array', items: { type: 'object', additionalProperties: true, properties: { id: { type: 'string' }, title: { type: 'string' } } } }, ...errors(401, 403) } },
  }, async (request) => {
    const actor = requireActor(request);
    await requireAuthor(db, actor, 'library', app.clock.now());
    const { versions, drafts, counts } = await db.run(actor.county, (k) => libraryRows(k, actor.county));
    const ids = [...new Set([...versions.map((v) => v.process_id), ...drafts.map((d) => d.process_id)])].sort();
    const count = (id: string, version: number, active: boolean) => counts
      .filter((c) => c.process_id === id && c.process_version === version && (c.status === 'active') === active)
      .reduce((sum, c) => sum + Number(c.n), 0);
    return ids.map((id) => {
      const own = versions.filter((v) => v.process_id === id);
      const draft = drafts.find((d) => d.process_id === id);
      const draftBody = draft?.body as { title?: string; extends?: string; patch?: { title?: string } } | undefined;
      return {
        id,
        title: draftBody?.title ?? draftBody?.patch?.title ?? own[0]?.title ?? (draftBody?.extends ? templateFinder(definitionsRoot)(draftBody.extends)?.title : undefined) ?? id,
        extends: draftBody ? draftBody.extends ?? null : own[0]?.extends ?? null,
        draft: draft ? { updatedAt: new Date(draft.updated_at).toISOString(), updatedBy: draft.by ?? '' } : null,
        versions: own.map((v) => ({
          version: v.version, publishedAt: new Date(v.published_at).toISOString(), note: v.note, publishedBy: v.by ?? '系统初始化',
          activeCases: count(id, v.version, true), closedCases: count(id, v.version, false),
        })),
      };
    });
  });

  app.get('/api/processes/:id/draft', {
    schema: { tags: ['authoring'], summary: '读取草稿（流程管理员）', params: processParams, response: { 200: { type: 'object', properties: { id: { type: 'string' }, rev: { type: 'integer' }, updatedAt: { type: 'string' }, body: { type: 'object', additionalProperties: true } } }, ...errors(400, 401, 403, 404) } },
  }, async (request) => {
    const actor = requireActor(request);
    const { id } = request.params as { id: string };
    await requireAuthor(db, actor, id, app.clock.now());
    const row = await db.run(actor.county, (k) => readDraft(k, actor.county, id));
    if (!row) throw new AppError('CF_NOT_FOUND', '该流程没有草稿');
    return { id, rev: row.rev, updatedAt: new Date(row.updated_at).toISOString(), body: row.body };
  });

  app.delete('/api/processes/:id/draft', {
    schema: { tags: ['authoring'], summary: '放弃草稿（流程管理员）', params: processParams, response: { 200: { type: 'object', properties: { id: { type: 'string' }, deleted: { type: 'boolean' } } }, ...errors(400, 401, 403, 404) } },
  }, async (request) => {
    const actor = requireActor(request);
    const { id } = request.params as { id: string };
    await requireAuthor(db, actor, id, app.clock.now());
    const result = await db.run(actor.county, (k) => deleteDraft(k, actor.county, id));
    if (!result.numDeletedRows) throw new AppError('CF_NOT_FOUND', '该流程没有草稿');
    return { id, deleted: true };
  });

  app.get('/api/county-roles', {
    schema: { tags: ['authoring'], summary: '本县用户持有的角色（新流程可用的角色）及其名称、层级、人数', response: { 200: { type: 'array', items: { type: 'object', properties: { role: { type: 'string' }, level: { type: 'string' }, holders: { type: 'integer' }, label: { type: 'string' }, kind: { type: 'string' } } } }, ...errors(401, 403) } },
  }, async (request) => {
    const actor = requireActor(request);
    await requireAuthor(db, actor, 'county-roles', app.clock.now());
    const { held, labels } = await db.run(actor.county, async (k) => ({
      held: await rolesHeld(k, actor.county),
      labels: await roleLabels(k, actor.county),
    }));
    // The roles of running the system (author, admin) are not roles a process gives steps to.
    return held.filter((h) => h.role !== 'author' && h.role !== 'admin').map((h) => ({ role: h.role, level: h.level, holders: Number(h.n), label: labels.get(h.role)?.label ?? h.role, kind: labels.get(h.role)?.kind ?? 'cadre' }));
  });

  app.get('/api/templates', {
    schema: { tags: ['authoring'], summary: '全省共享的流程模板（县里可继承后修改）', response: { 200: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, title: { type: 'string' }, description: { type: 'string' }, definition: { type: 'object', additionalProperties: true } } } }, ...errors(401) } },
  }, async (request) => {
    requireActor(request);
    const find = templateFinder(definitionsRoot);
    return readdirSync(join(definitionsRoot, 'templates')).filter((f) => f.endsWith('.json')).sort()
      .map((f) => find(f.replace(/\.json$/, '')))
      .filter((d): d is Definition => Boolean(d))
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map((definition) => ({ id: definition.id, title: definition.title, description: definition.description ?? '', definition }));
  });
}
