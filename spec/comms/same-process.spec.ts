/**
 * A pid means one process: a launch or create task whose pid names a process of another
 * definition, or with other inputs, is refused naming both, wherever that process is (live here,
 * stored, or running on another worker); the same launch sent again still joins it.
 */
import * as t from 'io-ts'
import { afterEach, describe, expect, it } from 'vitest'
import { DefinitionRegistry } from '../../lib/checkpoint/registry.js'
import { ProcessLauncher } from '../../lib/comms/launcher.js'
import { PidConflictError, canonicalJson } from '../../lib/comms/same-process.js'
import { InMemoryPersister, type MemoryStore } from '../../lib/persistence/memory.js'
import { Wait, defineProcess, input, output } from '../../lib/index.js'
import { silentLogger } from '../../lib/runtime/environment.js'
import { Runner } from '../../lib/runtime/runner.js'
import { LocalClaims, LocalOwnership } from '../../lib/worker/ownership.js'
import { rejectionOf, waitFor } from './helpers.js'
import { out } from '../../lib/commands/index.js'

const Waiter = defineProcess({
  name: 'Waiter',
  spec: { inputs: { label: input(t.string, { default: 'w' }) }, outputs: { value: output() } },
  steps: { run: () => Wait('done'), done: (_ctx, { args }) => out('value', args[0]) },
})

const Doubler = defineProcess({
  name: 'Doubler',
  spec: {
    inputs: { x: input(t.number), options: input(t.unknown, { required: false }) },
    outputs: { y: output(t.number) },
  },
  steps: { run: (_ctx, { inputs }) => out('y', inputs.x * 2) },
})

const registry = DefinitionRegistry.of(Waiter, Doubler)
const open: LocalOwnership[] = []
afterEach(async () => {
  for (const ownership of open.splice(0)) await ownership.close()
})

/** Two workers' launchers on one store and one set of claims. */
const setUp = () => {
  const store: MemoryStore = new Map()
  const claims = new LocalClaims()
  const worker = (name: string) => {
    const runner = new Runner({
      persister: new InMemoryPersister({ store }),
      checkpoints: 'every-transition',
      logger: silentLogger,
    })
    const ownership = new LocalOwnership(name, claims)
    open.push(ownership)
    const persister = new InMemoryPersister({ store })
    const options = { runner, registry, persister, ownership, followIntervalMs: 5 }
    return { runner, launcher: new ProcessLauncher(options) }
  }
  return { a: worker('a'), b: worker('b') }
}

const conflict = async (promise: Promise<unknown>): Promise<PidConflictError> => {
  const error = await rejectionOf(promise)
  expect(error).toBeInstanceOf(PidConflictError)
  return error as PidConflictError
}

describe('canonicalJson', () => {
  it('sorts the keys of every object, and keeps arrays in order', () => {
    expect(canonicalJson({ b: [2, { d: 1, c: 0 }], a: 1 })).toBe('{"a":1,"b":[2,{"c":0,"d":1}]}')
    expect(canonicalJson(undefined)).toBe('{}')
  })
})

describe('a launch under a pid that names another process', () => {
  it('is refused while the process is live here, naming both', async () => {
    const { a } = setUp()
    await a.launcher.handle({ task: 'launch', definition: 'Waiter', pid: 'p1', nowait: true })
    const other = { task: 'launch', definition: 'Doubler', pid: 'p1', inputs: { x: 1 } }
    const error = await conflict(a.launcher.handle(other))
    expect(error.message).toBe(
      'pid p1 is already a Waiter process with inputs {}: refused to launch Doubler with ' +
        'inputs {"x":1} under it (a pid means one process: use another pid)',
    )
    expect(a.runner.get('p1')?.name).toBe('Waiter')
  })

  it('is refused once the process has finished and is stored; the same launch is answered', async () => {
    const { a, b } = setUp()
    const launch = { task: 'launch', definition: 'Doubler', pid: 'd1', inputs: { x: 5 } }
    expect(await a.launcher.handle(launch)).toEqual({ y: 10 })
    await a.runner.flush()
    const error = await conflict(b.launcher.handle({ ...launch, inputs: { x: 6 } }))
    expect(error.existing).toEqual({ definition: 'Doubler', inputs: { x: 5 } })
    expect(error.requested).toEqual({ definition: 'Doubler', inputs: { x: 6 } })
    // The same inputs, their keys in another order: the same launch, answered from the store.
    const same = { ...launch, inputs: { options: { b: 1, a: 2 }, x: 5 } }
    const first = { ...launch, pid: 'd2', inputs: { x: 5, options: { a: 2, b: 1 } } }
    expect(await a.launcher.handle(first)).toEqual({ y: 10 })
    await a.runner.flush()
    expect(await b.launcher.handle({ ...same, pid: 'd2' })).toEqual({ y: 10 })
    expect(b.runner.get('d1')).toBeUndefined()
  })

  it('is refused when the process runs on another worker, instead of following it', async () => {
    const { a, b } = setUp()
    await a.launcher.handle({ task: 'launch', definition: 'Waiter', pid: 'w1', nowait: true })
    await a.runner.flush()
    const other = { task: 'launch', definition: 'Waiter', pid: 'w1', inputs: { label: 'x' } }
    const error = await conflict(b.launcher.handle(other))
    expect(error.message).toMatch(/^pid w1 is already a Waiter process with inputs \{\}: /)
    expect(b.runner.get('w1')).toBeUndefined()
  })

  it('is refused when it arrives together with the launch that takes the pid', async () => {
    const { a } = setUp()
    const first = a.launcher.handle({ task: 'launch', definition: 'Waiter', pid: 'w1' })
    const second = a.launcher.handle({
      task: 'launch',
      definition: 'Waiter',
      pid: 'w1',
      inputs: { label: 'other' },
    })
    await conflict(second)
    await waitFor('the first to wait', () => a.runner.get('w1')?.state === 'WAITING')
    a.runner.get('w1')?.resume(3)
    expect(await first).toEqual({ value: 3 })
  })

  it('refuses a create task under a taken pid, and answers the same one', async () => {
    const { a } = setUp()
    const create = { task: 'create', definition: 'Doubler', pid: 'c1', inputs: { x: 1 } }
    expect(await a.launcher.handle(create)).toBe('c1')
    expect(await a.launcher.handle(create)).toBe('c1')
    await conflict(a.launcher.handle({ ...create, definition: 'Waiter', inputs: {} }))
    // A continue names a process whatever it is: it runs the one created.
    expect(await a.launcher.handle({ task: 'continue', pid: 'c1' })).toEqual({ y: 2 })
  })
})
