import { randomUUID } from 'node:crypto';
import { recordAdminChange } from '../admin/adminLog';
import { COUNTY_CODE, createCounty } from '../admin/createCounty';
import { ONE_TIME_HOURS, oneTimePassword } from '../admin/oneTimePassword';
import { auditRecord, insertPerson, openUnits, readPerson } from '../admin/peopleQueries';
import { ADMIN_ROLE } from '../admin/requireAdmin';
import { hashPassword, ONE_TIME_LOG_N } from '../auth/password';
import { loadConfig } from '../config';
import { openDb } from '../db/open';
import { AppError } from '../errors';
import { templateDefinitions } from '../seed/countyFiles';

export const COUNTY_USAGE = `用法：
  countyflow county add <县代码> <县名>
      在数据库中新建一个县（空数据库或正在运行的数据库均可）：县、组织机构的根、
      共享模板中的全部流程（版本 1）。不写入任何演示人员和案件。
  countyflow user add <县代码> <用户名> <姓名> (--admin | --role 角色 --unit 单位编号 ...)
      新建人员并打印一次性密码（只显示这一次，${ONE_TIME_HOURS} 小时内有效，首次登录须修改）。
      --admin 授予县管理员（admin，在县一级）；--role/--unit 可重复，成对给出。

退出码：0 成功；1 失败；2 用法不对
`;

/** Who the command line acts as in the audit chain. */
const CLI_ACTOR = { id: 'cli', name: '命令行（countyflow）' };

/** `countyflow county add`: a new county without demo data. */
async function addCounty(code: string, name: string): Promise<number> {
  checkCode(code);
  const db = await openDb(loadConfig());
  try {
    const processes = templateDefinitions();
    await db.transaction(code, (k) => createCounty(k, { code, name }, processes, { id: CLI_ACTOR.id, note: '新县的初始版本（共享模板）' }, new Date()));
    process.stdout.write(`已新建：${name}（县代码 ${code}），流程 ${processes.length} 个：${processes.map((p) => p.definition.title).join('、')}\n下一步：countyflow user add ${code} <用户名> <姓名> --admin\n`);
    return 0;
  } finally {
    await db.close();
  }
}

/** `countyflow user add`: a person with a one-time password, e.g. a new county's first administrator. */
async function addUser(args: string[]): Promise<number> {
  const [county, username, name, ...rest] = args;
  if (!county || !username || !name) return usage();
  const grants: { role: string; unitId: string }[] = [];
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--admin') grants.push({ role: ADMIN_ROLE, unitId: county });
    else if (rest[i] === '--role' && rest[i + 2] === '--unit' && rest[i + 1] && rest[i + 3]) {
      grants.push({ role: rest[i + 1]!, unitId: rest[i + 3]! });
      i += 3;
    } else return usage();
  }
  if (!grants.length) return usage();
  checkCode(county);
  if (!/^[A-Za-z0-9_.-]{2,64}$/.test(username)) throw new AppError('CF_VALIDATION', '用户名须为 2 到 64 个字母、数字或 _ . -');
  const db = await openDb(loadConfig());
  try {
    const password = oneTimePassword();
    const hash = await hashPassword(password, ONE_TIME_LOG_N);
    const now = new Date();
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
    process.stdout.write(`已新建人员：${name}（${username}），县 ${county}，角色：${grants.map((g) => `${g.role}@${g.unitId}`).join('、')}\n一次性密码：${password}\n（只显示这一次；${ONE_TIME_HOURS} 小时内有效，首次登录须修改）\n`);
    return 0;
  } finally {
    await db.close();
  }
}

/** The database is asked nothing for a code that cannot be a county's. */
function checkCode(code: string): void {
  if (!COUNTY_CODE.test(code)) throw new AppError('CF_VALIDATION', `县代码须为 6 位数字（如 532326），而不是「${code}」`);
}

function usage(): number {
  process.stderr.write(COUNTY_USAGE);
  return 2;
}

/** `countyflow county …` and `countyflow user …`. */
export async function runCounty(command: 'county' | 'user', args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === '--help' || sub === 'help') {
    process.stdout.write(COUNTY_USAGE);
    return 0;
  }
  if (command === 'county' && sub === 'add' && rest.length === 2) return addCounty(rest[0]!, rest[1]!);
  if (command === 'user' && sub === 'add') return addUser(rest);
  return usage();
}
