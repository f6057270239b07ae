import { ONE_TIME_HOURS } from '../admin/oneTimePassword';
import { parseCountyCommand, runCountyCommand } from '../admin/countyCommand';
import { systemClock } from '../clock';
import { loadConfig } from '../config';
import { openDb } from '../db/open';
import { askOperator, servingProcess } from './operatorClient';

export const COUNTY_USAGE = `用法：
  countyflow county add <县代码> <县名>
      在数据库中新建一个县（空数据库或正在运行的数据库均可）：县、组织机构的根、
      共享模板中的全部流程（版本 1）。不写入任何演示人员和案件。
  countyflow user add <县代码> <用户名> <姓名> (--admin | --role 角色 --unit 单位编号 ...)
      新建人员并打印一次性密码（只显示这一次，${ONE_TIME_HOURS} 小时内有效，首次登录须修改）。
      --admin 授予县管理员（admin，在县一级）；--role/--unit 可重复，成对给出。

退出码：0 成功；1 失败；2 用法不对
`;

function usage(): number {
  process.stderr.write(COUNTY_USAGE);
  return 2;
}

/** `countyflow county …` and `countyflow user …`: here, or by the serving process when it owns the embedded database. */
export async function runCounty(command: 'county' | 'user', args: string[]): Promise<number> {
  if (args[0] === '--help' || args[0] === 'help') {
    process.stdout.write(COUNTY_USAGE);
    return 0;
  }
  const parsed = parseCountyCommand(command, args);
  if (!parsed) return usage();
  const config = loadConfig();
  const server = servingProcess(config);
  if (server) {
    const answer = (await askOperator(server, '/operator/county', { command, args })) as { text: string };
    process.stdout.write(answer.text);
    return 0;
  }
  const db = await openDb(config);
  try {
    process.stdout.write(await runCountyCommand(db, parsed, systemClock.now()));
    return 0;
  } finally {
    await db.close();
  }
}
