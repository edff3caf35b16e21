/**
 * A checkpoint's stored text, written from the parts of a process that never change (serialised
 * once per process) and its snapshot's fields, is the text the whole codec writes, byte for byte:
 * over a chain's whole life (launching a child, waiting for a signal kept early, paused, with
 * outputs, finished), after a reload, after a migration, and for inputs that are no plain data
 * in the process (a Date, on the wire an ISO string) or that were completed by defaults.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { bundle, type Bundle } from '../../lib/checkpoint/bundle.js'
import { decodeCheckpoint, encodeCheckpoint } from '../../lib/checkpoint/codec.js'
import { DefinitionRegistry } from '../../lib/checkpoint/registry.js'
import { checkpointText, stateTextKept, writtenFromFixedParts } from '../../lib/checkpoint/text.js'
import { out } from '../../lib/commands/instant.js'
import { signal, waitForSignal } from '../../lib/commands/signal.js'
import { launch } from '../../lib/commands/awaitables.js'
import { toContext } from '../../lib/commands/suspend.js'
import { InMemoryPersister } from '../../lib/persistence/memory.js'
import { input, output } from '../../lib/ports/index.js'
import { defineWorkChain } from '../../lib/runtime/define.js'
import type { ProcessHandle } from '../../lib/runtime/handle.js'
import { loadProcess, restoreBundle } from '../../lib/runtime/load.js'
import type { Runner } from '../../lib/runtime/runner.js'
import type { ProcessSnapshot } from '../../lib/process/snapshot.js'
import type { ProcessState } from '../../lib/process/state.js'
import { while_ } from '../../lib/workchain/outline.js'
import { DateFromISO, quietRunner } from '../runtime/helpers.js'

const Go = signal('go', t.type({ by: t.string }))

const Child = defineWorkChain({
  name: 'TextChild',
  spec: { inputs: { x: input(t.number) }, outputs: { y: output(t.number) } },
  steps: { run: (_ctx, { inputs }) => out('y', inputs.x * 2) },
  outline: (s) => [s.run],
})

const chain = (version: number) =>
  defineWorkChain({
    name: 'TextChain',
    version,
    spec: {
      inputs: {
        due: input(DateFromISO),
        label: input(t.string, { default: 'ünïcode "quoted" \u2028' }),
        n: input(t.number),
      },
      outputs: { total: output(t.number), by: output(t.string) },
    },
    context: () => ({ i: 0, total: 0, by: '' }),
    steps: {
      more: (ctx, { inputs }) => ctx.i < inputs.n,
      *inc(ctx) {
        const { kid } = yield* toContext({ kid: launch(Child, { x: ctx.i }) })
        ctx.total += kid.y
        ctx.i += 1
      },
      *approve(ctx) {
        const { by } = yield* waitForSignal(Go)
        ctx.by = by
      },
      *finish(ctx) {
        yield* out('total', ctx.total)
        yield* out('by', ctx.by)
      },
    },
    outline: (s) => [while_(s.more)(s.inc), s.approve, s.finish],
  })

const Chain = chain(1)

/** Each checkpoint a runner could take of a process, written both ways. */
interface Written {
  readonly pid: string
  readonly fast: string
  readonly whole: string
  readonly fromFixed: boolean
}

/** Write every bundle a state change, a pause or a kept signal gives, both ways. */
const recordTexts = (runner: Runner): Written[] => {
  const written: Written[] = []
  const write = (process: ProcessHandle) => {
    const taken: Bundle = bundle(process)
    written.push({
      pid: process.pid,
      fast: checkpointText(taken),
      whole: JSON.stringify(encodeCheckpoint(taken)),
      fromFixed: writtenFromFixedParts(taken),
    })
  }
  runner.use({ stateChanged: write, pausedChanged: write, signalKept: write })
  return written
}

const expectSameTexts = (written: readonly Written[]) => {
  for (const { fast, whole } of written) expect(fast).toBe(whole)
  // A process's first bundle keeps its fixed parts, and every one of its texts is written from
  // them: were they not, both ways would be the same code, and this would prove nothing.
  for (const { fromFixed } of written) expect(fromFixed).toBe(true)
}

const inputs = { due: '2026-12-07T10:00:00.000Z', n: 2 }

describe('checkpointText', () => {
  it("writes every checkpoint of a chain's whole life as the codec does", async () => {
    const runner = quietRunner()
    const written = recordTexts(runner)
    const process = Chain.create(inputs, { runner })
    const done = process.execute()
    process.signal(Go, { by: 'ann' })
    process.pause('held')
    process.play()
    await done
    expect(process.outputs).toEqual({ total: 2, by: 'ann' })

    expectSameTexts(written)
    const states = written.map(({ whole }) => (JSON.parse(whole) as { state: string }).state)
    expect(states).toEqual(expect.arrayContaining(['CREATED', 'RUNNING', 'WAITING', 'FINISHED']))
    // The children's checkpoints name their parent; the chain's hold its raw inputs apart
    // from the parsed ones (a default was added) and the Date as its ISO string.
    const childTexts = written.filter(({ pid }) => pid !== process.pid)
    expect(childTexts.length).toBeGreaterThan(0)
    for (const { whole } of childTexts)
      expect(JSON.parse(whole)).toMatchObject({ parent: process.pid })
    const last = JSON.parse(written.filter(({ pid }) => pid === process.pid).at(-1)!.whole)
    expect(last).toMatchObject({
      inputs: { due: inputs.due, label: 'ünïcode "quoted" \u2028', n: 2 },
      raw: inputs,
    })
    expect(written.some(({ whole }) => whole.includes('"inbox":[["go"'))).toBe(true)
    expect(written.some(({ whole }) => whole.includes('"paused":true'))).toBe(true)
  })

  it('writes the checkpoints of a reloaded process as the codec does', async () => {
    const persister = new InMemoryPersister()
    const first = quietRunner({ persister, checkpoints: 'every-transition' })
    const process = Chain.create(inputs, { runner: first })
    void process.execute()
    await first.flush()
    expect(process.state).toBe('WAITING')

    const second = quietRunner()
    const written = recordTexts(second)
    const registry = DefinitionRegistry.of(Chain, Child)
    const reloaded = await loadProcess(second, persister, registry, process.pid)
    const done = reloaded.execute()
    reloaded.signal(Go, { by: 'bo' })
    await done
    expect(reloaded.outputs).toEqual({ total: 2, by: 'bo' })
    expectSameTexts(written)
    expect(written.filter(({ pid }) => pid === process.pid).length).toBeGreaterThan(3)
  })

  it('writes the checkpoints of a process migrated to a new version as the codec does', async () => {
    const runner = quietRunner()
    const process = Chain.create(inputs, { runner })
    const text = checkpointText(bundle(process))
    const decoded = decodeCheckpoint(text)
    if (E.isLeft(decoded)) throw decoded.left

    const Chain2 = chain(2)
    const registry = new DefinitionRegistry()
      .register(Chain2, {
        migrations: [{ from: 1, to: 2, migrate: (json) => ({ ...json, status: 'migrated' }) }],
      })
      .register(Child)
    const second = quietRunner()
    const written = recordTexts(second)
    const migrated = restoreBundle(second, registry, decoded.right)
    const done = migrated.execute()
    migrated.signal(Go, { by: 'cy' })
    await done
    expectSameTexts(written)
    expect(JSON.parse(written[0]!.whole)).toMatchObject({
      def: expect.stringMatching(/^TextChain@2#/),
      status: 'migrated',
    })
  })

  it('leaves inputs it was not given frozen alone, and encodes them at every checkpoint', () => {
    const process = Chain.create(inputs, { runner: quietRunner() })
    // A bundleable made by hand, whose inputs are its maker's to change.
    const own = { due: new Date(inputs.due), label: 'mine', n: 2 }
    const made = {
      definition: Chain,
      snapshot: process.snapshot,
      inputs: own,
      rawInputs: {},
      parentPid: undefined,
    }
    const first = bundle(made)
    expect(Object.isFrozen(own)).toBe(false)
    expect(writtenFromFixedParts(first)).toBe(false)
    own.n = 3
    const second = bundle(made)
    expect(JSON.parse(checkpointText(second)).inputs.n).toBe(3)
    expect(checkpointText(second)).toBe(JSON.stringify(encodeCheckpoint(second)))
  })

  it('writes a bundle not made by `bundle` whole, from its own fields', () => {
    const runner = quietRunner()
    const process = Chain.create(inputs, { runner })
    const taken = bundle(process)
    expect(writtenFromFixedParts(taken)).toBe(true)
    // The same process as another pid, or with other inputs: nothing of the first is reused.
    const renamed: Bundle = {
      ...taken,
      pid: 'another',
      snapshot: { ...taken.snapshot, pid: 'another' },
    }
    const reinput: Bundle = { ...taken, inputs: { ...(taken.inputs as object), n: 7 } }
    for (const other of [renamed, reinput]) {
      expect(writtenFromFixedParts(other)).toBe(false)
      expect(checkpointText(other)).toBe(JSON.stringify(encodeCheckpoint(other)))
    }
    expect(JSON.parse(checkpointText(renamed)).pid).toBe('another')
    expect(JSON.parse(checkpointText(reinput)).inputs.n).toBe(7)
  })

  it('writes every state at a place as the codec does, whichever was written there first', () => {
    const runner = quietRunner()
    const process = Chain.create(inputs, { runner })
    const taken = bundle(process)
    const at = taken.snapshot.state
    if (at._tag !== 'CREATED' || at.position._tag !== 'Outline') throw new Error('a new chain')
    const place = at.position
    const withState = (state: ProcessState, more: Partial<ProcessSnapshot> = {}): Bundle => ({
      ...taken,
      snapshot: { ...taken.snapshot, ...more, state },
    })
    const running = { _tag: 'RUNNING', position: place, resumed: false } as const
    const states: [ProcessState, boolean][] = [
      [at, true],
      [running, true],
      [{ ...running, resumed: true }, false],
      [{ ...running, position: { _tag: 'Outline', cursor: [...place.cursor] } }, false],
      [{ ...running, position: { ...place, journal: { entries: [] } } }, false],
      [
        {
          _tag: 'WAITING',
          position: place,
          message: 'why',
          data: undefined,
          awaiting: [],
          asked: undefined,
        },
        false,
      ],
      [{ _tag: 'FINISHED', result: 1, successful: true, exitStatus: 0, exitMessage: 'ok' }, false],
    ]
    // Twice over: the second time, the kept texts are written.
    for (const [state, kept] of [...states, ...states]) {
      const made = withState(state)
      expect(stateTextKept(state)).toBe(kept)
      expect(writtenFromFixedParts(made)).toBe(true)
      expect(checkpointText(made)).toBe(JSON.stringify(encodeCheckpoint(made)))
    }
    // Every field a snapshot writes after its state's, strings that JSON escapes among them.
    const full = withState(running, {
      paused: true,
      status: 'held "here" \u2028',
      prePauseStatus: 'ünïcode',
      outputs: { total: 2 },
      ctx: { i: 1, nested: { list: [1, 'two', null, true] } },
      inbox: [{ name: 'go', payload: { by: 'ann' } }, { payload: undefined }],
      retry: {
        step: 'inc',
        at: place,
        attempt: 2,
        maxAttempts: 3,
        deadline: 1_000,
        lastError: { name: 'Error', message: 'once' },
      },
    })
    expect(checkpointText(full)).toBe(JSON.stringify(encodeCheckpoint(full)))
    expect(JSON.parse(checkpointText(full))).toMatchObject({ paused: true, retry: { n: 2 } })
  })
})
