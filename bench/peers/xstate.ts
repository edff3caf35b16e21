/**
 * XState v5 on the workloads of `bench/peers/`: the same shapes as ours, written the way XState's
 * documentation writes them. XState keeps a machine's state in memory and stores nothing itself:
 * a persisted snapshot (`getPersistedSnapshot`) is a value the application must write somewhere.
 *
 * Two ways of running a loop, both measured in P1:
 * - `always` transitions with a guard: the machine runs itself to its end inside one `start()`,
 *   as our chain runs itself inside `execute()` (the primary row);
 * - one event per step, sent from outside: the only way an XState machine hands over a snapshot
 *   per step (its subscribers see one per macrostep, and eventless transitions are microsteps of
 *   one), so P3 runs this form.
 */
import { assign, createActor, setup, toPromise } from 'xstate'
import { check, timed, type Timing } from '../harness.js'

interface LoopContext {
  readonly i: number
  readonly n: number
}

const loopSetup = setup({
  types: { context: {} as LoopContext, input: {} as { n: number } },
  guards: { more: ({ context }) => context.i < context.n },
  actions: { inc: assign({ i: ({ context }) => context.i + 1 }) },
})

/** `while (i < n) i += 1` as eventless transitions: the machine loops by itself. */
const selfLoop = loopSetup.createMachine({
  id: 'loop',
  context: ({ input }) => ({ i: 0, n: input.n }),
  initial: 'running',
  states: {
    running: { always: [{ guard: 'more', actions: 'inc' }, { target: 'done' }] },
    done: { type: 'final' },
  },
})

/** The same loop, one `INC` event per step; it ends by itself once `i` reaches `n`. */
const eventLoop = loopSetup.createMachine({
  id: 'loop',
  context: ({ input }) => ({ i: 0, n: input.n }),
  initial: 'running',
  states: {
    running: {
      on: { INC: { guard: 'more', actions: 'inc' } },
      always: { guard: ({ context }) => context.i >= context.n, target: 'done' },
    },
    done: { type: 'final' },
  },
})

const INC = { type: 'INC' } as const

/** P1, `always`: create and start one machine of `n` steps; it ends inside `start()`. */
export const xstateSelfLoop = (n: number): Promise<Timing> =>
  timed(async () => {
    const actor = createActor(selfLoop, { input: { n } }).start()
    const snapshot = actor.getSnapshot()
    check(snapshot.status === 'done' && snapshot.context.i === n, `the machine ended at i = ${n}`)
  })

/** P1, events: create and start one machine, then send `n` events, one per step. */
export const xstateEventLoop = (n: number): Promise<Timing> =>
  timed(async () => {
    const actor = createActor(eventLoop, { input: { n } }).start()
    for (let step = 0; step < n; step++) actor.send(INC)
    const snapshot = actor.getSnapshot()
    check(snapshot.status === 'done' && snapshot.context.i === n, `the machine ended at i = ${n}`)
  })

/** B2's chain: three transitions (`first`, `second`, `third`), the last giving the output y = x. */
const threeSteps = setup({
  types: {
    context: {} as { readonly x: number },
    input: {} as { x: number },
    output: {} as { y: number },
  },
}).createMachine({
  id: 'threeSteps',
  context: ({ input }) => ({ x: input.x }),
  initial: 'first',
  states: {
    first: { always: { target: 'second' } },
    second: { always: { target: 'third' } },
    third: { always: { target: 'done' } },
    done: { type: 'final' },
  },
  output: ({ context }) => ({ y: context.x }),
})

/** P2: `count` machines created, then started, then their outputs awaited together. */
export const xstateThreeSteps = async (count: number): Promise<Timing> => {
  let outputs: { y: number }[] = []
  const timing = await timed(async () => {
    const actors = []
    for (let x = 0; x < count; x++) actors.push(createActor(threeSteps, { input: { x } }))
    outputs = await Promise.all(actors.map((actor) => toPromise(actor.start())))
  })
  check(outputs.length === count && outputs.every((o, x) => o.y === x), 'every machine gave y = x')
  return timing
}

/**
 * P3: one machine of `n` event steps; every snapshot it hands its subscriber (the start, then one
 * per event) is persisted: `JSON.stringify(getPersistedSnapshot())` into a map, keyed by the
 * actor's id, as our in-memory persister keeps the text of each process's latest checkpoint.
 * Returns the timing and how many checkpoints were written.
 */
export const xstatePersistedLoop = async (
  n: number,
): Promise<{ timing: Timing; checkpoints: number; bytes: number }> => {
  const store = new Map<string, string>()
  let checkpoints = 0
  let id = ''
  const timing = await timed(async () => {
    const actor = createActor(eventLoop, { input: { n } })
    id = actor.id
    actor.subscribe(() => {
      store.set(actor.id, JSON.stringify(actor.getPersistedSnapshot()))
      checkpoints += 1
    })
    actor.start()
    for (let step = 0; step < n; step++) actor.send(INC)
  })
  const text = store.get(id) ?? 'null'
  const last = JSON.parse(text) as { status?: string; context?: LoopContext } | null
  check(
    last?.status === 'done' && last.context?.i === n,
    `the last persisted snapshot is of the machine finished at i = ${n}`,
  )
  return { timing, checkpoints, bytes: Buffer.byteLength(text) }
}
