/**
 * Continue after a restart: one OS process runs work into SQLite and dies by SIGKILL; a new OS
 * process loads the checkpoints and carries on. A chain waiting on children comes back with
 * them; paused, killed and excepted processes come back as they were.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const program = 'spec/integration/fixtures/restart-program.ts'
const dir = mkdtempSync(join(tmpdir(), 'plumpy-restart-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

interface Report {
  pid: string
  name: string
  state: string
  paused: boolean
  status?: string
  outputs: Record<string, unknown>
  error?: string
}

const lines = (text: string) => text.trim().split('\n')

describe('a process continued in a new OS process', () => {
  it('comes back from SQLite after its first program was SIGKILLed, children and states included', async () => {
    const db = join(dir, 'store.sqlite')
    const first = await run('node', ['--import', 'tsx', program, 'first', db]).catch(
      (error: { code?: unknown; signal?: unknown; stdout?: string }) => error,
    )
    // The first program kills itself: it never closes anything, as in a crash.
    expect((first as { signal?: unknown }).signal).toBe('SIGKILL')
    const [header, ...before] = lines((first as { stdout: string }).stdout)
    const pids = JSON.parse(header as string) as Record<
      'parent' | 'paused' | 'killed' | 'failing',
      string
    >
    const live = before.map((line) => JSON.parse(line) as Report)
    expect(live.find((p) => p.pid === pids.parent)?.state).toBe('WAITING')
    expect(live.filter((p) => p.name === 'Waiter' && p.state === 'WAITING')).toHaveLength(2)

    const second = await run('node', [
      '--import',
      'tsx',
      program,
      'second',
      db,
      pids.parent,
      pids.paused,
      pids.killed,
      pids.failing,
    ])
    const [parent, paused, killed, failing, finished] = lines(second.stdout).map(
      (line) => JSON.parse(line) as Report,
    )
    expect(parent).toMatchObject({ pid: pids.parent, state: 'WAITING' })
    expect(paused).toMatchObject({ state: 'CREATED', paused: true, status: 'held' })
    expect(killed).toMatchObject({ state: 'KILLED', status: 'not needed' })
    expect(failing).toMatchObject({ state: 'EXCEPTED', error: 'the second step failed' })
    // The reloaded children were resumed with 40 and 2: the parent adds them up.
    expect(finished).toMatchObject({ pid: pids.parent, state: 'FINISHED', outputs: { sum: 42 } })
  }, 60_000)
})
