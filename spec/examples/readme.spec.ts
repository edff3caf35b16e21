/**
 * The README's examples run, print what their comments say, and are what the README shows: every
 * TypeScript block that follows a link to one of `examples/readme/` or `spec/examples/` appears in
 * that file, line for line (import lines aside, since the README imports from the package).
 */
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { toMermaid } from '../../lib/index.js'
import { WhileWorkChain } from '../../examples/tutorial/09-while.js'

const run = promisify(execFile)
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const readme = readFileSync(join(root, 'README.md'), 'utf8')

/** The TypeScript blocks of the README, each with the example file linked nearest to it. */
const linkedBlocks = (): { file: string; lines: string[] }[] => {
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => ({
    start: match.index,
    end: match.index + match[0].length,
    text: match[1] ?? '',
  }))
  const found = new Map<string, { file: string; lines: string[] }>()
  for (const link of readme.matchAll(/\]\(((?:examples\/readme|spec\/examples)\/[\w.-]+\.ts)\)/g)) {
    const at = link.index
    const distance = (block: { start: number; end: number }) =>
      at < block.start ? block.start - at : at - block.end
    const nearest = blocks.reduce((best, block) =>
      distance(block) < distance(best) ? block : best,
    )
    const file = link[1] ?? ''
    found.set(`${file}@${nearest.start}`, { file, lines: code(nearest.text) })
  }
  return [...found.values()]
}

/** The lines of some code, without import lines and blank lines at either end. */
const code = (text: string): string[] => {
  const lines = text.replace(/\n$/, '').split('\n')
  const kept: string[] = []
  let inImport = false
  for (const line of lines) {
    if (line.startsWith('import ')) inImport = !/from '[^']+'$/.test(line)
    else if (inImport) inImport = !/from '[^']+'$/.test(line)
    else kept.push(line)
  }
  while (kept[0] === '' || kept[0]?.startsWith('//') === true) kept.shift()
  while (kept.at(-1) === '') kept.pop()
  return kept
}

const contains = (haystack: readonly string[], needle: readonly string[]): boolean =>
  haystack.some((_, start) => needle.every((line, i) => haystack[start + i] === line))

describe('the README', () => {
  const blocks = linkedBlocks()

  it('shows the examples it links to: the first work chain, retried entries, processes, task queues, testing a step, embedding', () => {
    expect(blocks.map((block) => block.file)).toEqual([
      'examples/readme/sum-of-squares.ts',
      'examples/readme/retried-entries.ts',
      'examples/readme/processes.ts',
      'examples/readme/task-queue.ts',
      'spec/examples/testing-a-step.spec.ts',
      'examples/readme/own-loop.ts',
      'examples/readme/in-a-program.ts',
    ])
  })

  it.each(blocks)('shows $file as it is', ({ file, lines }) => {
    expect(lines.length).toBeGreaterThan(2)
    const source = code(readFileSync(join(root, file), 'utf8'))
    expect(contains(source, lines), `README block differs from ${file}`).toBe(true)
  })

  it("draws the tutorial's WhileWorkChain as toMermaid renders it", () => {
    const drawn = /```mermaid\n([\s\S]*?)\n```/.exec(readme)?.[1]
    expect(drawn).toBe(toMermaid(WhileWorkChain))
  })

  it('has a quick start of exactly two commands', () => {
    const start = readme.indexOf('## Quick start')
    const block = /```bash\n([\s\S]*?)```/.exec(readme.slice(start))?.[1] ?? ''
    const commands = block.split('\n').filter((line) => line.trim() !== '')
    expect(commands.map((line) => line.replace(/\s+#.*$/, ''))).toEqual([
      'npm install && npm start',
      'npm test',
    ])
  })
})

describe('the README examples', () => {
  const printed: Record<string, string[]> = {
    'quick-start.ts': ['{ total: 285 }'],
    'processes.ts': ['WAITING', "{ greeting: 'Good day, Ada' }"],
    'retried-entries.ts': [
      'attempt 2 of 5 after Error: service down (call 1)',
      'attempt 3 of 5 after Error: service down (call 2)',
      '{ answer: 42 }',
    ],
    'task-queue.ts': ['4 true', 'undefined', '[ 4, 9, 16 ]'],
    'own-loop.ts': [
      'CREATED -> RUNNING',
      'RUNNING -> RUNNING',
      'RUNNING -> FINISHED',
      'FINISHED { y: 42 }',
    ],
    'in-a-program.ts': [
      'Square finished { y: 1 }',
      'Square finished { y: 4 }',
      'Square finished { y: 9 }',
      '[ 1, 4, 9 ]',
    ],
  }

  for (const [file, lines] of Object.entries(printed)) {
    it.concurrent(`${file} runs and prints what it says`, { timeout: 120_000 }, async () => {
      // Node with tsx's loader, without npx in between: on a busy machine every process counts.
      const { stdout } = await run(
        process.execPath,
        ['--import', 'tsx', join('examples/readme', file)],
        {
          cwd: root,
          timeout: 110_000,
        },
      )
      expect(stdout.replace(/\n$/, '').split('\n')).toEqual(lines)
    })
  }
})
