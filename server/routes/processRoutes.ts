import type { FastifyInstance } from 'fastify';
import type { CheckReport } from '../../engine/index';
import { contentHash, isVariation } from '../../engine/index';
import { startRolesOf } from '../../engine/index';
import type { Definition } from '../../engine/index';
import { deleteDraft, lockedDraftRev, readDraft, saveDraft } from '../authoring/draftQueries';
import { insertVersion, latestVersions, nextVersion, publishedVersion } from '../authoring/versionQueries';
import { requireActor } from '../authPlugin';
import type { Config } from '../config';
import type { Db } from '../db/open';
import { checkInCounty, countyContext } from '../checkInCounty';
import { AppError } from '../errors';
import { requireAuthor } from './requireAuthor';
import { errors, processIdPattern } from './schemas';

const processParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: processIdPattern } } } as const;
const problemList = { type: 'array', items: { type: 'object', properties: { code: { type: 'string' }, path: { type: 'string' }, message: { type: 'string' }, severity: { type: 'string' }, label: { type: 'string' }, templatePath: { type: 'string' } } } };
const checkResponse = { type: 'object', properties: { ok: { type: 'boolean' }, problems: problemList, warnings: problemList, reviewerGates: { type: 'array', items: { type: 'object', additionalProperties: true } } } };


const asResponse = (r: CheckReport) => ({ ok: r.ok, problems: r.errors, warnings: r.warnings, reviewerGates: r.reviewerGates });

/** Published processes, one definition, checking, drafts and publishing. */
export function processRoutes(app: FastifyInstance, db: Db, _config: Config): void {
  app.get('/api/processes', {
    schema: {
      tags: ['processes'], summary: '本县已发布的流程（最新版本）',
      response: { 200: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, title: { type: 'string' }, description: { type: 'string' }, caseLevel: { type: 'string' }, version: { type: 'integer' }, publishedAt: { type: 'string' }, hasDraft: { type: 'boolean' }, canStart: { type: 'boolean' } } } }, ...errors(401) },
    },
  }, async (request) => {
    const actor = requireActor(request);
    const rows = await db.run(actor.county, (k) => latestVersions(k, actor.county));
    return rows.map((r) => {
      const d = r.body as Definition;
      const starters = startRolesOf(d);
      const canStart = actor.grants.some((g) => starters.includes(g.role));
      return { id: r.process_id, title: d.title, description: d.description ?? '', caseLevel: d.caseLevel, version: r.version, publishedAt: new Date(r.published_at).toISOString(), hasDraft: Boolean(r.has_draft), canStart };
    });
  });

  app.get('/api/processes/:id', {
    schema: { tags: ['processes'], summary: '一个流程定义（最新版本，或 ?version=）', params: processParams, querystring: { type: 'object', additionalProperties: false, properties: { version: { type: 'integer', minimum: 1, maximum: 2147483647 } } }, response: { 200: { type: 'object', properties: { id: { type: 'string' }, version: { type: 'integer' }, publishedAt: { type: 'string' }, note: { type: 'string' }, definition: { type: 'object', additionalProperties: true } } }, ...errors(400, 401, 404) } },
  }, async (request) => {
    const actor = requireActor(request);
    const { id } = request.params as { id: string };
    const { version } = request.query as { version?: number };
    const row = await db.run(actor.county, (k) => publishedVersion(k, actor.county, id, version));
    if (!row) throw new AppError('CF_NOT_FOUND', '找不到该流程或版本');
    return { id, version: row.version, publishedAt: new Date(row.published_at).toISOString(), note: row.note, definition: row.body };
  });

  app.post('/api/processes/:id/check', {
    schema: { tags: ['processes'], summary: '检查流程定义（不保存；流程管理员）', params: processParams, body: { type: 'object' }, response: { 200: checkResponse, ...errors(400, 401, 403) } },
  }, async (request) => {
    const actor = requireActor(request);
    await requireAuthor(db, actor, (request.params as { id: string }).id, app.clock.now());
    const context = await db.run(actor.county, (k) => countyContext(k, actor.county, app.clock.now()));
    return asResponse(checkInCounty(request.body, context));
  });

  app.put('/api/processes/:id/draft', {
    schema: {
      tags: ['processes'], summary: '保存草稿（流程管理员）；带 If-Match: <rev> 时，草稿已被他人改过则 409', params: processParams, body: { type: 'object' },
      headers: { type: 'object', properties: { 'if-match': { type: 'string', pattern: '^"?\\d{1,9}"?$' } } },
      response: { 200: { ...checkResponse, properties: { ...checkResponse.properties, rev: { type: 'integer' } } }, ...errors(400, 401, 403, 409) },
    },
  }, async (request) => {
    const actor = requireActor(request);
    const { id } = request.params as { id: string };
    const header = (request.headers as { 'if-match'?: string })['if-match'];
    const expected = header === undefined ? undefined : Number(header.replace(/"/g, ''));
    await requireAuthor(db, actor, id, app.clock.now());
    const rev = await db.transaction(actor.county, async (k) => {
      const current = await lockedDraftRev(k, actor.county, id);
      if (expected !== undefined && current !== expected) throw new AppError('CF_DRAFT_STALE', undefined, [{ path: '', message: `草稿现在是第 ${current} 次保存的内容` }]);
      const next = current + 1;
      await saveDraft(k, actor.county, id, { body: JSON.stringify(request.body), userId: actor.id, now: app.clock.now(), rev: next });
      return next;
    });
    const context = await db.run(actor.county, (k) => countyContext(k, actor.county, app.clock.now()));
    return { ...asResponse(checkInCounty(request.body, context)), rev };
  });

  app.post('/api/processes/:id/publish', {
    schema: {
      tags: ['processes'], summary: '发布草稿为下一个不可变版本', params: processParams,
      body: { type: 'object', additionalProperties: false, properties: { note: { type: 'string', maxLength: 500 } } },
      response: { 200: { type: 'object', properties: { id: { type: 'string' }, version: { type: 'integer' }, warnings: problemList } }, ...errors(400, 401, 403, 404, 422) },
    },
  }, async (request) => {
    const actor = requireActor(request);
    const { id } = request.params as { id: string };
    await requireAuthor(db, actor, id, app.clock.now());
    return db.transaction(actor.county, async (k) => {
      const draft = await readDraft(k, actor.county, id);
      if (!draft) throw new AppError('CF_NOT_FOUND', '没有可发布的草稿');
      const report = checkInCounty(draft.body, await countyContext(k, actor.county, app.clock.now()));
      if (!report.ok || !report.definition) throw new AppError('CF_DEFINITION_INVALID', undefined, report.errors.map((p) => ({ path: p.path, message: p.message })));
      if (report.definition.id !== id) throw new AppError('CF_DEFINITION_INVALID', `草稿的 id「${report.definition.id}」与地址中的「${id}」不一致`);
      const version = await nextVersion(k, actor.county, id);
      await insertVersion(k, actor.county, {
        processId: id, version, body: JSON.stringify(report.definition), hash: contentHash(report.definition),
        source: isVariation(draft.body) ? JSON.stringify(draft.body) : null,
        note: (request.body as { note?: string } | undefined)?.note ?? '', publishedAt: app.clock.now(), publishedBy: actor.id,
      });
      await deleteDraft(k, actor.county, id);
      return { id, version, warnings: report.warnings };
    });
  });
}
