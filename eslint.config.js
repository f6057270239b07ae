// Lint rules, chiefly the layer rule of docs/architecture: imports only flow
// definitions → engine → server → designer. engine/ stays pure (no I/O, no upper layers).
import tseslint from 'typescript-eslint';

const upper = (layers) => layers.map((l) => ({ group: [`**/${l}/**`, `../${l}/*`, `../../${l}/*`], message: `不能从这一层导入 ${l}/（层次：definitions → engine → server → designer）` }));

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
          { group: ['node:*'], message: 'engine/ 必须是纯函数：不能导入 node:*' },
          { group: ['pg', 'kysely', 'kysely-*', 'fastify', '@fastify/*', 'react', 'react-*', '@electric-sql/*'], message: 'engine/ 不能做 I/O，也不能依赖界面' },
          ...upper(['server', 'designer']),
        ],
      }],
      'no-restricted-properties': ['error',
        { object: 'Date', property: 'now', message: 'engine/ 的时间是输入（now），不读时钟' },
        { object: 'Math', property: 'random', message: 'engine/ 不用随机数：结果必须可重现' },
      ],
      'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'engine/ 的时间是输入（now），不读时钟' }],
    },
  },
  {
    files: ['server/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: upper(['designer']) }] },
  },
);
