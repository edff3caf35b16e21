import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['spec/**/*.spec.ts'],
    typecheck: {
      enabled: true,
      include: ['spec/**/*.test-d.ts'],
      // Only the type tests: the whole project is typechecked once, before the tests run.
      tsconfig: './tsconfig.typecheck.json',
    },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
})
