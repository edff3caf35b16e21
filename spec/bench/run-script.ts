/** Running a benchmark runner of `bench/` through tsx, as a person would, for the smoke specs. */
import { execFile } from 'node:child_process'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..')

/** How a run ended and what it printed. */
export interface Ran {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** `npx tsx <script> <args…>` in the repository, killed after 270 s. */
export const runScript = (script: string, args: readonly string[]): Promise<Ran> =>
  new Promise((done) => {
    execFile(
      'npx',
      ['tsx', script, ...args],
      { cwd: ROOT, timeout: 270_000, maxBuffer: 16 * 2 ** 20 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1
        done({ code, stdout, stderr })
      },
    )
  })
