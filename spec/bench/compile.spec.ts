import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { compileForBench } from '../../bench/compile.js'

/** The workloads `bench/run.ts` runs compiled: the files of `bench/` that run as programs. */
const workloads = (compiledBench: string): string[] =>
  readdirSync(compiledBench)
    .map((name) => join(compiledBench, name))
    .filter(
      (file) =>
        file.endsWith('.js') && /runIfMain\(import\.meta\.url/.test(readFileSync(file, 'utf8')),
    )

/** The relative specifiers a compiled module imports, statically or dynamically. */
const relativeImports = (source: string): string[] =>
  [...source.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((match) => match[1] ?? '')

describe('bench/compile.ts', () => {
  // Full benchmark runs execute the compiled tree, smoke runs the TypeScript: a workload that
  // imports a file the compiled tree lacks fails only in a full run.
  it('emits every file a compiled workload imports', async () => {
    const out = await mkdtemp(join(tmpdir(), 'plumpy-bench-compile-'))
    try {
      expect(compileForBench(out)).toBeGreaterThan(0)
      const roots = workloads(join(out, 'bench'))
      expect(roots.map((file) => relative(out, file))).toContain('bench/b7e-worker-durable.js')
      // Follow every workload's relative imports through the compiled tree.
      const seen = new Set<string>()
      const missing: string[] = []
      const visit = (file: string): void => {
        if (seen.has(file)) return
        seen.add(file)
        for (const specifier of relativeImports(readFileSync(file, 'utf8'))) {
          const target = resolve(dirname(file), specifier)
          if (existsSync(target)) visit(target)
          else missing.push(`${relative(out, file)} imports ${specifier}`)
        }
      }
      roots.forEach(visit)
      expect(missing).toEqual([])
    } finally {
      await rm(out, { recursive: true, force: true })
    }
  }, 60_000)
})
