// @ts-check
import tseslint from 'typescript-eslint'
import importX from 'eslint-plugin-import-x'

/** Folders whose code must stay pure: no I/O, no clocks, no randomness, no Promises. */
const pureFolders = [
  'lib/ports/**',
  'lib/commands/**',
  'lib/process/**',
  'lib/step/**',
  'lib/interpreter/**',
  'lib/workchain/**',
  'lib/checkpoint/**',
  'lib/retry/**',
]

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bench/results/**', '.tmp/**'] },
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'off',
    },
    settings: {
      'import-x/resolver': { node: { extensions: ['.ts', '.js'] } },
    },
  },
  {
    files: pureFolders,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'The pure core does no I/O.' },
            {
              group: [
                'fs',
                'path',
                'os',
                'crypto',
                'timers',
                'uuid',
                'pg',
                'amqplib',
                'better-sqlite3',
              ],
              message: 'The pure core does no I/O and reads no clock or randomness.',
            },
            {
              group: ['**/runtime/**', '**/persistence/**', '**/comms/**', '**/cli/**'],
              message: 'The pure core knows nothing of the layers above it.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'No timers in the pure core.' },
        { name: 'setInterval', message: 'No timers in the pure core.' },
        { name: 'setImmediate', message: 'No timers in the pure core.' },
        { name: 'queueMicrotask', message: 'No scheduling in the pure core.' },
        { name: 'Promise', message: 'No Promises in the pure core.' },
        { name: 'Date', message: 'Time comes in through a port.' },
        { name: 'performance', message: 'Time comes in through a port.' },
        { name: 'process', message: 'No process globals in the pure core.' },
        { name: 'fetch', message: 'No I/O in the pure core.' },
        { name: 'crypto', message: 'Ids come in through a port.' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Randomness comes in through a port.' },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: 'FunctionDeclaration[async=true]', message: 'No async code in the pure core.' },
        {
          selector: 'ArrowFunctionExpression[async=true]',
          message: 'No async code in the pure core.',
        },
        { selector: 'FunctionExpression[async=true]', message: 'No async code in the pure core.' },
        { selector: 'AwaitExpression', message: 'No async code in the pure core.' },
      ],
    },
  },
)
