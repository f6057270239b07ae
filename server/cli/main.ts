import { runCheck } from './check';

const USAGE = `用法：countyflow <命令>
  check [路径...]   检查流程定义（默认 definitions/），有错误时退出码为 1
`;

/** Dispatches the countyflow command line. */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'check':
      return runCheck(rest);
    default:
      process.stderr.write(USAGE);
      return command === undefined || command === 'help' ? 0 : 2;
  }
}

process.exitCode = await main(process.argv.slice(2));
