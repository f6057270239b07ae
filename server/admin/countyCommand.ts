/**
 * The county commands (`countyflow county add`, `countyflow user add`): a new county without demo
 * data, and a person with a one-time password (e.g. its first administrator). The command line runs
 * them on its own connection; when the serving process owns the embedded database, it asks that
 * process (POST /operator/county), which runs the same code.
 */
import { randomUUID } from 'node:crypto';
import { recordAdminChange } from './adminLog';
import { COUNTY_CODE, createCounty } from './createCounty';
import { ONE_TIME_HOURS, oneTimePassword } from './oneTimePassword';
import { auditRecord, insertPerson, openUnits, readPerson } from './peopleQueries';
import { ADMIN_ROLE } from './requireAdmin';
import { hashPassword, ONE_TIME_LOG_N } from '../auth/password';
import type { Db } from '../db/open';
import { AppError } from '../errors';
import { templateDefinitions } from '../seed/countyFiles';

/** Who the command line acts as in the audit chain. */
const CLI_ACTOR = { id: 'cli', name: '命令行（countyflow）' };

/** A county command as parsed from its arguments. */
type CountyCommand =
  | { kind: 'county'; code: string; name: string }
  | { kind: 'user'; county: string; username: string; name: string; grants: { role: string; unitId: string }[] };

/** `county add <code> <name>` or `user add <county> <username> <name> (--admin | --role R --unit U …)`; null: not a command (usage). */
export function parseCountyCommand(command: string, args: readonly string[]): CountyCommand | null {
  const [sub, ...rest] = args;
  if (sub !== 'add') return null;
  if (command === 'county') return rest.length === 2 ? { kind: 'county', code: rest[0]!, name: rest[1]! } : null;
  if (command !== 'user') return null;
  const [county, username, name, ...flags] = rest;
  if (!county || !username || !name) return null;
  const grants: { role: string; unitId: string }[] = [];
  for (let i = 0; i < flags.length; i++) {
    if (flags[i] === '--admin') grants.push({ role: ADMIN_ROLE, unitId: county });
    else if (flags[i] === '--role' && flags[i + 2] === '--unit' && flags[i + 1] && flags[i + 3]) {
      grants.push({ role: flags[i + 1]!, unitId: flags[i + 3]! });
      i += 3;
    } else return null;
  }
  return grants.length ? { kind: 'user', county, username, name, grants } : null;
}

/**
 * Runs a county command on a database: a new county without demo data, or a person with a one-time
 * password (e.g. a new county's first administrator). Returns what to print. The command line runs
 * it on its own connection, or asks the serving process that owns the embedded database (POST /operator/county); `now` is the county's or the person's creation time.
 */
export async function runCountyCommand(db: Db, c: CountyCommand, now: Date): Promise<string> {
  if (c.kind === 'county') {
    checkCode(c.code);
    const processes = templateDefinitions();
    await db.transaction(c.code, (k) => createCounty(k, { code: c.code, name: c.name }, processes, { id: CLI_ACTOR.id, note: '新县的初始版本（共享模板）' }, now));
    return `已新建：${c.name}（县代码 ${c.code}），流程 ${processes.length} 个：${processes.map((p) => p.definition.title).join('、')}\n下一步：countyflow user add ${c.code} <用户名> <姓名> --admin\n`;
  }
  const { county, username, name, grants } = c;
  checkCode(county);
  if (!/^[A-Za-z0-9_.-]{2,64}$/.test(username)) throw new AppError('CF_VALIDATION', '用户名须为 2 到 64 个字母、数字或 _ . -');
  const password = oneTimePassword();
  const hash = await hashPassword(password, ONE_TIME_LOG_N);
  const expiresAt = new Date(now.getTime() + ONE_TIME_HOURS * 3_600_000);
  await db.transaction(county, async (k) => {
    if (!(await k.selectFrom('counties').select('county_id').where('county_id', '=', county).executeTakeFirst())) throw new AppError('CF_NOT_FOUND', `数据库中没有县 ${county}（先运行 countyflow county add）`);
    const open = await openUnits(k, county, grants.map((g) => g.unitId));
    const missing = grants.find((g) => !open.has(g.unitId));
    if (missing) throw new AppError('CF_VALIDATION', `单位「${missing.unitId}」不存在或已停用`);
    if (await k.selectFrom('users').select('id').where('county_id', '=', county).where('username', '=', username).executeTakeFirst()) throw new AppError('CF_USERNAME_TAKEN', `用户名「${username}」已被占用`);
    const id = randomUUID();
    await insertPerson(k, county, id, username, { name, phone: null, grants }, hash, expiresAt);
    const person = (await readPerson(k, county, id))!;
    await recordAdminChange(k, county, CLI_ACTOR, { type: 'user.add', target: { kind: 'user', id, name }, after: auditRecord(person) }, now);
  });
  return `已新建人员：${name}（${username}），县 ${county}，角色：${grants.map((g) => `${g.role}@${g.unitId}`).join('、')}\n一次性密码：${password}\n（只显示这一次；${ONE_TIME_HOURS} 小时内有效，首次登录须修改）\n`;
}

/** The database is asked nothing for a code that cannot be a county's. */
function checkCode(code: string): void {
  if (!COUNTY_CODE.test(code)) throw new AppError('CF_VALIDATION', `县代码须为 6 位数字（如 532326），而不是「${code}」`);
}

