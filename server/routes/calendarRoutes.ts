import type { FastifyPluginAsyncJsonSchemaToTs } from '@fastify/type-provider-json-schema-to-ts';
import type { FromSchema } from 'json-schema-to-ts';
import { calendarStatus, calendarYearProblems, defaultCalendar, lastYearOf } from '../../engine/index';
import { recordAdminChange } from '../admin/adminLog';
import { requireAdmin } from '../admin/requireAdmin';
import { requireActor } from '../authPlugin';
import { calendarIn, countyCalendarYears, forgetCountyCalendar } from '../calendar/countyCalendar';
import { recalendarCases } from '../calendar/recalendarCases';
import { loadedYear, loadedYears, saveYear } from '../calendar/yearQueries';
import type { Db } from '../db/open';
import { AppError } from '../errors';
import { errors } from './schemas';

const days = { type: 'array', maxItems: 120, items: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } } as const;
const status = {
  type: 'object', additionalProperties: false, required: ['lastYear', 'nextYear', 'missing', 'remind'],
  properties: {
    lastYear: { type: 'integer', description: '日历已覆盖到哪一年' }, nextYear: { type: 'integer' },
    missing: { type: 'boolean', description: '明年的节假日安排尚未载入' }, remind: { type: 'boolean', description: '11 月起且明年日历缺失：页面应提醒' },
  },
} as const;
const yearReply = {
  type: 'object', additionalProperties: false, required: ['year', 'layer', 'holidays', 'workdays', 'loadedAt', 'loadedBy'],
  properties: { year: { type: 'integer' }, layer: { enum: ['national', 'local'] }, holidays: { type: 'array', items: { type: 'string' } }, workdays: { type: 'array', items: { type: 'string' } }, loadedAt: { type: 'string' }, loadedBy: { type: 'string' } },
} as const;

/** Whether next year's calendar is missing (the web app's type). */
export type CalendarStatus = FromSchema<typeof status>;
/** A year a county has loaded (the web app's type). */
export type CalendarYearReply = FromSchema<typeof yearReply>;

/** Where a county's calendar stands: the last year it covers, and whether to remind that next year's is missing (from 1 November). */
async function statusOf(db: Db, county: string, now: Date): Promise<CalendarStatus> {
  const { years } = await db.run(county, (k) => countyCalendarYears(k, county));
  return calendarStatus(calendarIn({}, years), now.getTime());
}

/** Calendars a county maintains as data: where it stands (everyone), and loading a year's days (the administrator). */
export const calendarRoutes: FastifyPluginAsyncJsonSchemaToTs<{ Options: { db: Db } }> = async (app, { db }) => {
  app.get('/api/calendar/status', {
    schema: { tags: ['calendar'], summary: '本县节假日日历覆盖到哪一年；明年的安排是否缺失', response: { 200: status, ...errors(401) } },
  }, async (request) => {
    const actor = requireActor(request);
    return statusOf(db, actor.county, app.clock.now());
  });

  await app.register(adminCalendarRoutes, { db });
};

/** Loading a year's days, for the county's administrator. */
const adminCalendarRoutes: FastifyPluginAsyncJsonSchemaToTs<{ Options: { db: Db } }> = async (admin, { db }) => {
  admin.addHook('preHandler', requireAdmin(db));
  admin.get('/api/admin/calendar', {
    schema: {
      tags: ['calendar'], summary: '本县载入的节假日（全国安排和本地节日），及日历状态',
      response: { 200: { type: 'object', additionalProperties: false, required: ['status', 'years', 'builtInLastYear'], properties: { status, years: { type: 'array', items: yearReply }, builtInLastYear: { type: 'integer' } } }, ...errors(401, 403) },
    },
  }, async (request) => {
    const actor = requireActor(request);
    const rows = await db.run(actor.county, (k) => loadedYears(k, actor.county));
    return {
      status: await statusOf(db, actor.county, admin.clock.now()), builtInLastYear: lastYearOf(defaultCalendar),
      years: rows.map((r) => ({ year: r.year, layer: r.layer as 'national' | 'local', holidays: r.holidays as string[], workdays: r.workdays as string[], loadedAt: new Date(r.loaded_at).toISOString(), loadedBy: r.loaded_by })),
    };
  });

  admin.put('/api/admin/calendar/:year/:layer', {
    schema: {
      tags: ['calendar'], summary: '载入一年的节假日：national（国务院公布的放假和调休上班日，替换该年）或 local（本县、本州的节日，叠加在全国安排上）；随后重算估算的期限',
      params: { type: 'object', required: ['year', 'layer'], additionalProperties: false, properties: { year: { type: 'integer', minimum: 2000, maximum: 2100 }, layer: { enum: ['national', 'local'] } } } as const,
      body: { type: 'object', required: ['holidays', 'workdays'], additionalProperties: false, properties: { holidays: days, workdays: days } } as const,
      response: { 200: { type: 'object', additionalProperties: false, required: ['year', 'recalculated', 'status'], properties: { year: yearReply, recalculated: { type: 'integer', description: '重算了期限的在办案件数' }, status } }, ...errors(400, 401, 403) },
    },
  }, async (request) => {
    const actor = requireActor(request);
    const { year, layer } = request.params;
    const { holidays, workdays } = request.body;
    const problems = calendarYearProblems(year, holidays, workdays);
    if (layer === 'national' && !holidays.length) problems.unshift('全国安排至少要有放假日');
    if (problems.length) throw new AppError('CF_CALENDAR_INVALID', `日历有误：${problems[0]}`, problems.map((message) => ({ path: `/${message.includes('调休') ? 'workdays' : 'holidays'}`, field: message.includes('调休') ? '调休上班日' : '放假日', message })));
    const now = admin.clock.now();
    const sorted = { holidays: [...holidays].sort(), workdays: [...workdays].sort() };
    await db.transaction(actor.county, async (k) => {
      const before = await loadedYear(k, actor.county, year, layer);
      await saveYear(k, actor.county, { year, layer, ...sorted, loadedBy: actor.name, now });
      await recordAdminChange(k, actor.county, actor, { type: 'calendar.load', target: { kind: 'calendar', id: `${year}-${layer}`, name: `${year} 年${layer === 'national' ? '全国节假日' : '本地节日'}` }, ...(before ? { before } : {}), after: sorted }, now);
    });
    forgetCountyCalendar(actor.county);
    const recalculated = await recalendarCases(db, actor, now);
    return {
      year: { year, layer, ...sorted, loadedAt: now.toISOString(), loadedBy: actor.name },
      recalculated, status: await statusOf(db, actor.county, now),
    };
  });
};
