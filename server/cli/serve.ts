import { type BenchWithout, buildApp } from '../app';
import { allCounties } from '../admin/countyQueries';
import { systemClock } from '../clock';
import { loadConfig } from '../config';
import { DataDirLockedError } from '../db/dataDirLock';
import { openDb } from '../db/open';
import { pendingMigrations } from '../db/pendingMigrations';
import { countyCodes, readCounty } from '../seed/countyFiles';
import { DEMO_PASSWORD, seedAll } from '../seed/seed';
import { startHousekeeping } from '../housekeeping/prune';
import { operatorToken, writeOperatorFile } from '../backup/operatorFile';
import { startScheduledBackups } from '../backup/scheduledBackups';
import { uploadDirOf } from '../files/openUploads';
import { checkpointAll } from '../audit/checkpointAll';
import { startScheduler } from '../timers/fireDueTimers';
import { webAppBuilt, webRoot } from '../webApp';

/**
 * SEED_DEMO: unset (or 1), the demo counties with their people and demo cases; `counties`, the demo
 * counties and people without cases (the browser tests make their own); 0, a real county's server
 * with no demo county, demo user or printed login.
 */
const demoSeed = () => (process.env.SEED_DEMO === '0' ? 'none' : process.env.SEED_DEMO === 'counties' ? 'counties' : 'all');
const demoWanted = () => demoSeed() !== 'none';

/** SERVE_API_ONLY=1: serving without the web app is meant (tests, or a separate static host), not a forgotten build. */
const apiOnlyWanted = () => process.env.SERVE_API_ONLY === '1';

/** What an operator reads when the web app was never built: GET / would otherwise answer 404 with nothing in the log. */
const WEB_APP_MISSING = `网页应用尚未构建（找不到 ${webRoot}/index.html），服务未启动：访问首页只会得到 404。
  从源码运行：先执行 npm run build（需要开发依赖），或用 npm start（会先构建）；
  生产部署：用 npm run release 生成的发布包（已含构建好的网页应用），见 docs/operations.md；
  确实只要 API：设置 SERVE_API_ONLY=1。`;

/** Seeds the demo counties not yet in the database (with their demo cases unless SEED_DEMO=counties), printing progress. */
const seedWithDemo = (db: Awaited<ReturnType<typeof openDb>>, now: Date) =>
  seedAll(db, now, { demo: demoSeed() === 'all', progress: (line) => process.stdout.write(`${line}\n`) });

/** Prints the demo counties and their users, so a first-time user can log in. */
function printLogins(url: string): void {
  const lines = [`\nCountyFlow 县域流程 已启动：${url}`, `API 文档：${url}/docs`, `演示账号（密码均为 ${DEMO_PASSWORD}）：`];
  for (const code of countyCodes()) {
    const county = readCounty(code);
    lines.push(`  ${county.name}（县代码 ${code}）`);
    for (const u of county.users) lines.push(`    ${u.username.padEnd(10)} ${u.name}  ${u.grants.map((g) => g.role).join('、')}`);
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);
}

/** Without demo data: the URL, and what to do first when the database has no county yet. */
async function printStarted(db: Awaited<ReturnType<typeof openDb>>, url: string): Promise<void> {
  const counties = await db.run('*', (k) => allCounties(k));
  const lines = [`\nCountyFlow 县域流程 已启动：${url}`, `API 文档：${url}/docs`];
  if (counties.length) lines.push(`县：${counties.map((c) => `${c.name}（${c.county_id}）`).join('、')}`);
  else lines.push('数据库中还没有县。先新建县和它的第一位县管理员：', '  countyflow county add <县代码> <县名>', '  countyflow user add <县代码> <用户名> <姓名> --admin');
  process.stdout.write(`${lines.join('\n')}\n\n`);
}

/** Where a command on this machine reaches the server: its own address, or loopback when it listens on every address. */
const loopbackOf = (host: string) => (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host);

/** `countyflow serve`: migrate, seed on first start, serve HTTP, run the timer scheduler. `without`: a benchmark's switches (BenchWithout), never the command line's. */
export async function serve(without?: BenchWithout): Promise<number> {
  const config = loadConfig();
  // Checked before the database is opened: a forgotten build is refused at once, not after migrations.
  if (!webAppBuilt() && !apiOnlyWanted()) {
    process.stderr.write(`${WEB_APP_MISSING}\n`);
    return 1;
  }
  let db;
  try {
    db = await openDb(config);
  } catch (e) {
    if (e instanceof DataDirLockedError) {
      process.stderr.write(`${e.message}\n`);
      return 1;
    }
    throw e;
  }
  const seeded = demoWanted() ? await seedWithDemo(db, systemClock.now()) : [];
  // The embedded database is open only here: the command line asks this process for a backup (operator.json).
  const operator = config.databaseUrl || config.dataDir.startsWith('memory://') ? undefined : operatorToken();
  const app = await buildApp(db, config, { ...(operator ? { operatorToken: operator } : {}), ...(without ? { without } : {}) });
  if (seeded.length) app.log.info({ counties: seeded }, '已写入演示数据');
  if (!webAppBuilt()) app.log.warn({ webRoot }, 'SERVE_API_ONLY=1：只提供 API，没有网页应用（首页 404）');
  const stopTimers = config.timerIntervalMs > 0 ? startScheduler(db, app.clock, config.timerIntervalMs, (msg, extra) => app.log.info(extra ?? {}, msg), config.dueSoonMs, config.channelAllowHosts) : async () => undefined;
  const stopHousekeeping = config.housekeepingIntervalMs > 0 ? startHousekeeping(db, app.clock, config.housekeepingIntervalMs, config.retention, (msg, extra) => app.log.info(extra ?? {}, msg), { dir: uploadDirOf(config.filesDir), expireMs: config.uploadExpireMs }) : async () => undefined;
  const checkpoints = config.checkpointIntervalMs > 0
    ? setInterval(() => void checkpointAll(db, config, app.clock.now()).then((files) => app.log.info({ files }, '已写入检查点'), (e: unknown) => app.log.error({ err: String(e) }, '检查点写入失败')), config.checkpointIntervalMs)
    : undefined;
  const stopBackups = startScheduledBackups(db, config, app.clock, { info: (extra, msg) => app.log.info(extra, msg), error: (extra, msg) => app.log.error(extra, msg) });
  let removeOperatorFile = () => undefined as void;
  const shutdown = async () => {
    removeOperatorFile();
    clearInterval(checkpoints);
    await stopBackups();
    await stopTimers();
    await stopHousekeeping();
    await app.close();
    await db.close();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  await app.listen({ port: config.port, host: config.host });
  if (operator) removeOperatorFile = writeOperatorFile(config.dataDir, { pid: process.pid, url: `http://${loopbackOf(config.host)}:${config.port}`, token: operator });
  if (demoWanted()) printLogins(`http://localhost:${config.port}`);
  else await printStarted(db, `http://localhost:${config.port}`);
  return 0;
}

/** `countyflow migrate`: brings the database schema up to date; with `--dry-run`, lists what that would run and changes nothing. */
export async function migrateOnly(args: string[]): Promise<number> {
  const unknown = args.filter((a) => a !== '--dry-run');
  if (unknown.length) {
    process.stderr.write(`不认识的参数：${unknown.join(' ')}\n用法：countyflow migrate [--dry-run]\n`);
    return 2;
  }
  if (args.includes('--dry-run')) {
    const pending = await pendingMigrations(loadConfig());
    process.stdout.write(pending.length ? `将执行 ${pending.length} 个迁移（未执行）：\n${pending.map((name) => `  ${name}\n`).join('')}` : '数据库结构已是最新，没有要执行的迁移\n');
    return 0;
  }
  const db = await openDb(loadConfig());
  await db.close();
  process.stdout.write('数据库结构已是最新\n');
  return 0;
}

/** `countyflow seed`: adds the demo counties not yet in the database. */
export async function seedOnly(): Promise<number> {
  const db = await openDb(loadConfig());
  const seeded = await seedWithDemo(db, systemClock.now());
  await db.close();
  process.stdout.write(seeded.length ? `已写入：${seeded.join('、')}\n` : '演示数据已存在，未改动\n');
  return 0;
}
