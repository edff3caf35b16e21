/**
 * What a process keeps in its inbox, as operators see it: a kept resume and a kept signal in the
 * `status` reply (over the LocalCommunicator), and in `list` (text and JSON) and `show` read
 * from the store.
 */
import * as t from 'io-ts'
import { afterEach, describe, expect, it } from 'vitest'
import { bundle } from '../../lib/checkpoint/bundle.js'
import { out, waitForResume, waitForSignal } from '../../lib/commands/index.js'
import { formatRowWaits, rowWithWaits, waitsOfPage } from '../../lib/cli/operate/page-waits.js'
import { LocalCommunicator } from '../../lib/comms/local.js'
import { RemoteProcessController } from '../../lib/comms/controller.js'
import { processControl } from '../../lib/comms/process-control.js'
import { catalogOf } from '../../lib/persistence/catalog/index.js'
import { InMemoryPersister } from '../../lib/persistence/memory.js'
import { output } from '../../lib/ports/index.js'
import { defineProcess } from '../../lib/runtime/define.js'
import { silentLogger } from '../../lib/runtime/environment.js'
import { Runner } from '../../lib/runtime/runner.js'
import { describeStoredProcess, formatListLine, summaryOf } from '../../lib/worker/inspect.js'
import { Approve, Note } from '../runtime/signal-fixtures.js'

/** Waits for a note, then for a resume, then for an approval. */
const Review = defineProcess({
  name: 'Review',
  spec: { outputs: { verdict: output(t.string) } },
  steps: {
    *run() {
      yield* waitForSignal(Note)
      const verdict = yield* waitForResume(t.string)
      yield* waitForSignal(Approve)
      yield* out('verdict', verdict)
    },
  },
})

const opened: { close(): Promise<void> }[] = []
afterEach(async () => {
  for (const c of opened.splice(0)) await c.close()
})

/** A Review waiting for its note, with a resume and an approval kept. */
const keeping = async (pid: string) => {
  const communicator = new LocalCommunicator({ logger: silentLogger })
  opened.push(communicator)
  const runner = new Runner({ logger: silentLogger })
  const control = processControl(communicator, { logger: silentLogger })
  runner.use(control)
  const process = Review.create({}, { runner, pid })
  void process.stepUntilTerminated().catch(() => {})
  await control.reachable(pid)
  await runner.flush()
  process.resume('yes')
  process.signal(Approve, { by: 'ann' })
  return { process, controller: new RemoteProcessController(communicator) }
}

const KEPT = [{ kind: 'resume' }, { kind: 'signal', name: 'approve' }]

describe('what a process keeps in its inbox', () => {
  it('is in the status reply, oldest first, without the payloads', async () => {
    const { controller } = await keeping('review-status')
    const status = await controller.getStatus('review-status')
    expect(status.inbox).toEqual(KEPT)
    expect(status.waits).toEqual([{ kind: 'signal', key: expect.any(String), name: 'note' }])
  })

  it('is listed and shown from the store', async () => {
    const { process } = await keeping('review-show')
    const store = new InMemoryPersister()
    await store.saveCheckpoint(bundle(process))
    const data = await store.loadCheckpoint('review-show')
    expect(formatListLine(summaryOf(data), 0)).toBe(
      'review-show  Review@1  WAITING  -  -  signal note  inbox: resume; signal approve',
    )
    expect(describeStoredProcess(data, { now: 0 })).toContain('inbox       resume; signal approve')
    const { rows } = await catalogOf(store).listProcesses({ limit: 10 })
    const waits = await waitsOfPage(store, rows)
    expect(formatRowWaits(rows[0]!, waits.get('review-show'), 0)).toBe(
      'signal note  inbox: resume; signal approve',
    )
    expect(rowWithWaits(rows[0]!, waits.get('review-show'))).toMatchObject({ inbox: KEPT })
  })

  it('is left out when the inbox is empty', async () => {
    const { process } = await keeping('review-empty')
    process.signal(Note, 'read') // takes the resume, then the approval: FINISHED
    await process.whenTerminated()
    const store = new InMemoryPersister()
    await store.saveCheckpoint(bundle(process))
    const shown = describeStoredProcess(await store.loadCheckpoint('review-empty'), { now: 0 })
    expect(shown.some((line) => line.startsWith('inbox'))).toBe(false)
    expect(process.outputs).toEqual({ verdict: 'yes' })
  })
})
