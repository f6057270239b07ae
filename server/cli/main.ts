import { runAudit } from './audit';
import { runBackup } from './backup';
import { runRestore } from './restore';
import { runCheck } from './check';
import { runCounty } from './county';
import { migrateOnly, seedOnly, serve } from './serve';

const USAGE = `用法：countyflow <命令>
  serve             启动服务（迁移数据库、首次启动写入演示数据、运行定时器）
  migrate [--dry-run]
                    只迁移数据库结构（迁移只向前：没有回退）；--dry-run 只列出将执行的迁移，不改动数据库
  seed              写入尚未存在的演示县、用户和流程
  check [--json] [路径...]
                    检查流程定义（默认 definitions/）；退出码 0 无错误、1 有错误、2 用法不对
                    （countyflow check --help 看详细说明）
  county add <县代码> <县名>
                    新建一个县（不含演示数据）
  user add <县代码> <用户名> <姓名> --admin
                    新建人员（如新县的第一位县管理员），打印一次性密码
                    （countyflow county --help 看详细说明）
  backup <备份目录> | restore <备份目录>/<备份时间>
                    备份（服务运行时也可）、恢复数据库、文件和审计密钥；恢复后校验办理记录
                    （countyflow backup --help 看详细说明）
  audit verify|checkpoint
                    校验办理记录的哈希链（可对照审计人员保存的签名检查点）；生成检查点
                    （countyflow audit --help 看详细说明）

环境变量：PORT（默认 3000）、DATA_DIR（嵌入式数据库目录，默认 ./data）、DATABASE_URL（使用 PostgreSQL）、
  BACKUP_DIR、BACKUP_EVERY、BACKUP_KEEP（服务进程定时备份），
  SEED_DEMO=0（启动时不写入演示县、演示人员和案件；counties 只写演示县和人员，不写案件）
`;

/** Dispatches the countyflow command line. */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'check':
      return runCheck(rest);
    case 'audit':
      return runAudit(rest);
    case 'county':
    case 'user':
      return runCounty(command, rest);
    case 'backup':
      return runBackup(rest);
    case 'restore':
      return runRestore(rest);
    case 'serve':
      return serve();
    case 'migrate':
      return migrateOnly(rest);
    case 'seed':
      return seedOnly();
    default:
      process.stderr.write(USAGE);
      return command === undefined || command === 'help' ? 0 : 2;
  }
}

let code: number;
try {
  code = await main(process.argv.slice(2));
} catch (e) {
  // A command line never answers with a stack trace: say what went wrong, in Chinese.
  process.stderr.write(`出错了：${(e as Error)?.message ?? String(e)}\n`);
  code = 1;
}
if (code !== 0 || process.argv[2] !== 'serve') process.exitCode = code;
