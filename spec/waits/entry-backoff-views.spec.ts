/**
 * A retried entry backing off, as operators see it: the `status` reply and the state-change
 * broadcast (over the LocalCommunicator), and `list` and `show` read from a SQLite store.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as t from 'io-ts'
import { afterEach, describe, expect, it } from 'vitest'
import { bundle } from '../../lib/checkpoint/bundle.js'
import { launch, out, toContext } from '../../lib/commands/index.js'
import { LocalCommunicator } from '../../lib/comms/local.js'
import { RemoteProcessController } from '../../lib/comms/controller.js'
import { processControl } from '../../lib/comms/process-control.js'
import type { BroadcastMessage } from '../../lib/comms/communicator.js'
import { SqlitePersister } from '../../lib/persistence/sqlite/index.js'
import { output } from '../../lib/ports/index.js'
import { defineProcess } from '../../lib/runtime/define.js'
import { silentLogger } from '../../lib/runtime/environment.js'
import { Runner } from '../../lib/runtime/runner.js'
import { TestClock } from '../../lib/testing/test-clock.js'
import {
  describeStoredProcess,
  formatListLine,
  listStoredProcesses,
} from '../../lib/worker/inspect.js'

const START = Date.parse('2026-03-01T00:00:00Z')

class Flake extends Error {
  override readonly name = 'Flake'
}

const Down = defineProcess({
  name: 'Down',
  spec: { outputs: {} },
  steps: {
    run: () => {
      throw new Flake('service down')
    },
  },
})

const Caller = defineProcess({
  name: 'Caller',
  spec: { outputs: { done: output(t.boolean) } },
  steps: {
    *run() {
      yield* toContext({
        call: launch(Down, {}, { retry: { maxAttempts: 5, initialDelay: '3s' } }),
      })
      yield* out('done', true)
    },
  },
})

const turn = () => new Promise((resolve) => setImmediate(resolve))

const opened: { close(): Promise<void> }[] = []
afterEach(async () => {
  for (const c of opened.splice(0)) await c.close()
})

const backingOff = async (pid: string) => {
  const clock = new TestClock(START)
  const communicator = new LocalCommunicator({ logger: silentLogger })
  opened.push(communicator)
  const runner = new Runner({ logger: silentLogger, clock })
  runner.use(processControl(communicator, { logger: silentLogger }))
  const seen: BroadcastMessage[] = []
  await communicator.addBroadcastSubscriber((message) => void seen.push(message), {
    subjectFilter: 'state_changed.WAITING.WAITING',
  })
  const process = Caller.create({}, { runner, pid })
  void process.stepUntilTerminated().catch(() => {})
  for (let i = 0; i < 50 && seen.length === 0; i++) await turn()
  return { clock, process, seen, controller: new RemoteProcessController(communicator) }
}

const BACKOFF = {
  kind: 'backoff',
  key: 'call',
  attempt: 2,
  maxAttempts: 5,
  deadline: START + 3_000,
  lastError: 'Flake: service down',
}

describe('a retried entry backing off', () => {
  it('is in the status reply and in the broadcast of its state change', async () => {
    const { seen, controller } = await backingOff('caller-status')
    expect(seen.map((m) => m.body)).toEqual([
      { pid: 'caller-status', from: 'WAITING', to: 'WAITING', waits: [BACKOFF] },
    ])
    expect((await controller.getStatus('caller-status')).waits).toEqual([BACKOFF])
  })

  it('is listed and shown from the store: the attempt, the deadline and the last error', async () => {
    const { clock, process } = await backingOff('caller-show')
    const dir = mkdtempSync(join(tmpdir(), 'entry-backoff-'))
    const store = new SqlitePersister({ path: join(dir, 'store.db') })
    opened.push(store)
    await store.saveCheckpoint(bundle(process))
    const [row] = await listStoredProcesses(store)
    const text =
      'retry 2/5 of entry call at 2026-03-01T00:00:03.000Z (in 3s), after Flake: service down'
    expect(row === undefined ? '' : formatListLine(row, clock.now())).toBe(
      `caller-show  Caller@1  WAITING  -  -  ${text}`,
    )
    const shown = describeStoredProcess(await store.loadCheckpoint('caller-show'), {
      now: clock.now(),
    })
    expect(shown).toContain(`waits for   ${text}`)
  })
})
