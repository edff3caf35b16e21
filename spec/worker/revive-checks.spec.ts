/**
 * Revive sends a continue task only for what a worker would load: a stored process whose inputs
 * no longer pass their ports, or that waits on itself or on a process that is not its child, is
 * reported and not sent (a continue task from revive asks for no answer, so a worker's refusal
 * would reach nobody). A worker that gets such a task anyway says so in its log.
 */
import * as t from 'io-ts'
import { afterEach, describe, expect, it } from 'vitest'
import { bundle, type Bundle } from '../../lib/checkpoint/bundle.js'
import { DefinitionRegistry } from '../../lib/checkpoint/registry.js'
import { ProcessLauncher } from '../../lib/comms/launcher.js'
import { LocalCommunicator } from '../../lib/comms/local.js'
import { InMemoryPersister } from '../../lib/persistence/memory.js'
import { Wait, defineProcess, input } from '../../lib/index.js'
import { Runner } from '../../lib/runtime/runner.js'
import { LocalClaims, LocalOwnership } from '../../lib/worker/ownership.js'
import { prune } from '../../lib/worker/prune.js'
import { revive } from '../../lib/worker/revive.js'
import { waitingAt } from '../persistence/fixtures.js'
import { quietRunner, recordingLogger } from '../runtime/helpers.js'
import { waitUntil } from './harness.js'

const Counter = defineProcess({
  name: 'Counter',
  spec: { inputs: { n: input(t.number) } },
  steps: { run: () => Wait('done'), done: () => undefined },
})
const registry = DefinitionRegistry.of(Counter)

/** A stored Counter `pid`, child of `parent`, waiting on `waitsOn` when given. */
const stored = (pid: string, options: { parent?: string; waitsOn?: string } = {}): Bundle => {
  const created = {
    ...bundle(Counter.create({ n: 1 }, { runner: quietRunner(), pid })),
    parentPid: options.parent,
  }
  return options.waitsOn === undefined ? created : waitingAt(created, { kid: options.waitsOn })
}

const closing: { close(): Promise<void> }[] = []
afterEach(async () => {
  for (const c of closing.splice(0)) await c.close()
})

describe('revive and prune on a large store', () => {
  it('report their progress as they read, ending at the total', async () => {
    const persister = new InMemoryPersister()
    for (const pid of ['a', 'b', 'c']) await persister.saveCheckpoint(stored(pid))
    await persister.saveCheckpoint(stored('lost', { parent: 'gone' }))
    const communicator = new LocalCommunicator()
    closing.push(communicator)
    await communicator.addTaskSubscriber(() => undefined)
    const ownership = new LocalOwnership('revive', new LocalClaims())
    const seen: [number, number][] = []
    const onProgress = (done: number, total: number) => void seen.push([done, total])
    await revive({ persister, ownership, communicator, registry, dryRun: true, onProgress })
    expect(seen).toEqual([0, 1, 2, 3, 4].map((done) => [done, 4]))
    seen.length = 0
    const outcomes = await prune({ persister, claims: ownership, onProgress })
    expect(outcomes).toMatchObject([{ _tag: 'Pruned', pid: 'lost' }])
    // Two passes: the orphan pruned, then a look for orphans of it among the three left.
    expect(seen).toEqual([
      ...[0, 1, 2, 3, 4].map((done) => [done, 4]),
      ...[0, 1, 2, 3].map((done) => [done, 3]),
    ])
  })
})

describe('revive and checkpoints a worker would refuse', () => {
  it('sends only what loads, and names why the others are not revived', async () => {
    const persister = new InMemoryPersister()
    await persister.saveCheckpoint(stored('good'))
    await persister.saveCheckpoint({ ...stored('bad-inputs'), inputs: { n: 'x' } })
    await persister.saveCheckpoint(stored('selfish', { waitsOn: 'selfish' }))
    await persister.saveCheckpoint(stored('thief', { waitsOn: 'other' }))
    await persister.saveCheckpoint(stored('other'))
    const communicator = new LocalCommunicator()
    closing.push(communicator)
    const sent: unknown[] = []
    await communicator.addTaskSubscriber((task) => void sent.push(task))
    const ownership = new LocalOwnership('revive', new LocalClaims())

    const outcomes = await revive({ persister, ownership, communicator, registry })
    const byPid = Object.fromEntries(outcomes.map((o) => [o.pid, o]))
    expect(byPid['good']).toMatchObject({ _tag: 'Continued' })
    expect(byPid['other']).toMatchObject({ _tag: 'Continued' })
    expect(byPid['bad-inputs']).toEqual({
      _tag: 'Unresolvable',
      pid: 'bad-inputs',
      reason: 'its inputs are not valid for Counter@1: inputs.n: expected number, got "x"',
    })
    expect(byPid['selfish']).toMatchObject({
      _tag: 'Unresolvable',
      reason: 'it waits on itself (ctx.kid): selfish → selfish',
    })
    expect(byPid['thief']).toMatchObject({
      _tag: 'Unresolvable',
      reason: 'it waits on other (ctx.kid), which is not its child: other has no parent',
    })
    await waitUntil('the continue tasks to arrive', () => sent.length === 2)
    expect(sent).toEqual(
      expect.arrayContaining([
        { task: 'continue', pid: 'good' },
        { task: 'continue', pid: 'other' },
      ]),
    )
  })

  it('has the worker say why it refuses a continue task whose checkpoint will not load', async () => {
    const persister = new InMemoryPersister()
    await persister.saveCheckpoint({ ...stored('bad-inputs'), inputs: { n: 'x' } })
    const { lines, logger } = recordingLogger()
    const runner = new Runner({ persister, checkpoints: 'every-transition', logger })
    const launcher = new ProcessLauncher({ runner, registry, persister })
    const communicator = new LocalCommunicator()
    closing.push(communicator)
    await launcher.subscribe(communicator)
    await communicator.taskSend({ task: 'continue', pid: 'bad-inputs' }, { noReply: true })
    await waitUntil('the refusal in the log', () => lines.length > 0)
    expect(lines).toEqual([
      'warn: continue bad-inputs refused: checkpoint bad-inputs: its inputs are not valid for ' +
        'Counter@1: inputs.n: expected number, got "x"',
    ])
  })
})
