/**
 * The code full benchmark runs measure: the library and the workloads as TypeScript emits them
 * (what `npm run build` ships), not as tsx runs them. tsx transforms with esbuild's `keepNames`,
 * which wraps every function in `__name(fn, 'name')`, an `Object.defineProperty` each time a
 * closure is made: on this code that doubles the heap of a live process (B5) and slows every
 * path that makes closures (B2, B4). `ts.transpileModule` emits each file as `tsc` would (the
 * code is `isolatedModules`-clean), without a type check, in about a second.
 *
 * Output: `bench/results/compiled/{lib,bench,examples}/…js` (the workloads run some of the
 * examples' definitions), with inline source maps so that profiles point at the TypeScript lines;
 * inside the repository, so that packages resolve from `node_modules`.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import ts from 'typescript'

const BENCH_DIR = dirname(fileURLToPath(import.meta.url))
const ROOT = resolve(BENCH_DIR, '..')

/** Where the compiled code goes. */
export const COMPILED_DIR = join(BENCH_DIR, 'results', 'compiled')

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ES2022,
  verbatimModuleSyntax: true,
  inlineSourceMap: true,
}

const sourcesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory())
      return path === join(BENCH_DIR, 'results') ? [] : sourcesUnder(path)
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : []
  })

/** The folders whose TypeScript the workloads import. */
const SOURCE_DIRS = ['lib', 'bench', 'examples']

/** Emit `lib/`, `bench/` and `examples/` as JavaScript under `outDir`; returns how many files. */
export const compileForBench = (outDir: string = COMPILED_DIR): number => {
  rmSync(outDir, { recursive: true, force: true })
  const files = SOURCE_DIRS.flatMap((dir) => sourcesUnder(join(ROOT, dir)))
  for (const file of files) {
    const output = ts.transpileModule(readFileSync(file, 'utf8'), {
      // The source map names the TypeScript file where it is, not next to the output.
      compilerOptions: { ...OPTIONS, sourceRoot: pathToFileURL(dirname(file)).href + '/' },
      fileName: file,
      reportDiagnostics: true,
    })
    const problems = output.diagnostics ?? []
    if (problems.length > 0)
      throw new Error(
        `${relative(ROOT, file)}: ${ts.flattenDiagnosticMessageText(problems[0]?.messageText ?? '', '\n')}`,
      )
    const target = join(outDir, relative(ROOT, file)).replace(/\.ts$/, '.js')
    mkdirSync(dirname(target), { recursive: true })
    writeFileSync(target, output.outputText)
  }
  return files.length
}

/** The compiled path of a source file of `bench/`. */
export const compiledPath = (benchFile: string): string =>
  join(COMPILED_DIR, 'bench', benchFile.replace(/\.ts$/, '.js'))
