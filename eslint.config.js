// Lint rules, chiefly the layer rule of docs/architecture.md: imports only flow
// definitions → engine → server → designer. engine/ stays pure (no I/O, no upper layers).
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

// Node's own modules, bare ('fs', 'crypto') as well as 'node:'-prefixed, with their subpaths.
const nodeBuiltins = builtinModules.filter((m) => !m.startsWith('_')).flatMap((m) => [m, `${m}/*`]);

const upper = (layers) => layers.map((l) => ({ group: [`**/${l}/**`, `../${l}/*`, `../../${l}/*`], message: `不能从这一层导入 ${l}/（层次：definitions → engine → server → designer）` }));

// Above the engine, only its public entry may be imported (engine/index.ts).
const engineEntry = { group: ['**/engine/*', '**/engine/**', '!**/engine/index'], message: '只能从 engine/index 导入引擎（引擎的公开入口）' };

// server/ reads the time only through server/clock.ts; durations for logs and metrics are performance.now().
const serverClock = 'server/ 的时间来自应用的时钟（app.clock.now()，或调用方传入的 now），不直接读机器时钟；量时长用 performance.now()';

// SQL lives in query modules named for what they query, never in a route file.
const routeSql = '路由文件不写 SQL：查询放在以其内容命名的查询模块（*Queries.ts，在拥有这些表的代码旁），路由只调用它们';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'data/**', 'designer/dist/**', '.tmp/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    files: ['engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['node:*', ...nodeBuiltins], message: 'engine/ 必须是纯函数：不能导入 Node 的模块（fs、crypto……）' },
          { group: ['pg', 'kysely', 'kysely-*', 'fastify', '@fastify/*', 'react', 'react-*', '@electric-sql/*'], message: 'engine/ 不能做 I/O，也不能依赖界面' },
          ...upper(['server', 'designer']),
        ],
      }],
      'no-restricted-properties': ['error',
        { object: 'Date', property: 'now', message: 'engine/ 的时间是输入（now），不读时钟' },
        { object: 'Math', property: 'random', message: 'engine/ 不用随机数：结果必须可重现' },
        { object: 'performance', property: 'now', message: 'engine/ 的时间是输入（now），不读时钟' },
      ],
      'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'engine/ 的时间是输入（now），不读时钟' }],
    },
  },
  {
    files: ['server/**/*.ts', 'scripts/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...upper(['designer']), engineEntry] }] },
  },
  {
    // The server's time is its app's clock (server/clock.ts), so that a test can move it on a running server.
    files: ['server/**/*.ts'],
    ignores: ['server/clock.ts'],
    rules: {
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: serverClock }],
      'no-restricted-syntax': ['error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: serverClock },
        { selector: "CallExpression[callee.name='Date']", message: serverClock },
      ],
    },
  },
  {
    // Route files only call query modules (*Queries.ts beside the code that owns the tables): no SQL of their own.
    files: ['server/routes/**/*.ts', 'server/**/*Routes.ts'],
    rules: {
      'no-restricted-syntax': ['error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: serverClock },
        { selector: "CallExpression[callee.name='Date']", message: serverClock },
        { selector: 'CallExpression[callee.property.name=/^(selectFrom|selectNoFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto)$/]', message: routeSql },
        { selector: "ImportDeclaration[source.value='kysely'] ImportSpecifier[imported.name='sql']", message: routeSql },
      ],
    },
  },
  {
    // Benchmarks measure every layer, but the engine only through its entry like everyone else.
    files: ['bench/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [engineEntry] }] },
  },
  {
    // The browser may know the server's types (route schemas, replies), never run its code.
    files: ['designer/**/*.ts', 'designer/**/*.tsx'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [{ group: ['**/server/**', '../server/*', '../../server/*'], allowTypeImports: true, message: 'designer/ 只能导入 server/ 的类型（import type），不能导入服务器代码' }, engineEntry],
      }],
    },
  },
);
