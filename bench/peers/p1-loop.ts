/**
 * P1, B1's loop on every engine: one counter loop of N = 10,000 steps (`i += 1` while `i < N`),
 * created and run to its end; steps per second, paired round by round with ours (B1's code).
 */
import { plan, runIfMain, type WorkloadArgs } from '../harness.js'
import { measurePaired } from './paired.js'
import { oursLoop } from './ours.js'
import { sagaCallLoop, sagaStoreLoop } from './redux-saga.js'
import { xstateEventLoop, xstateSelfLoop } from './xstate.js'

export const main = async (args: WorkloadArgs) => {
  const n = args.smoke ? 200 : 10_000
  const of = (what: string) => `${what}, one loop of N = ${n}`
  return measurePaired({
    id: 'P1',
    unit: 'steps/s',
    plan: plan(args, { warmup: 10, runs: 21 }),
    contenders: [
      {
        name: 'ours',
        operations: n,
        once: () => oursLoop(n),
        what: of('plumpy-ts: `while_(more)(inc)`, B1'),
        details: { counted: 'inc steps; create() and execute()' },
      },
      {
        name: 'xstate',
        operations: n,
        once: () => xstateSelfLoop(n),
        what: of('XState: `always` transitions with a guard, the machine loops by itself'),
        details: { counted: 'eventless transitions that assign i + 1; createActor() and start()' },
      },
      {
        name: 'xstate-events',
        operations: n,
        once: () => xstateEventLoop(n),
        what: of('XState: one INC event sent per step'),
        details: { counted: 'events, each assigning i + 1; createActor(), start(), send() × N' },
      },
      {
        name: 'saga',
        operations: n,
        once: () => sagaStoreLoop(n),
        what: of('redux-saga: `select` then `put` per step, the counter in the store'),
        details: { counted: 'put(inc) effects, each reduced into the store; runSaga() to its end' },
      },
      {
        name: 'saga-call',
        operations: n,
        once: () => sagaCallLoop(n),
        what: of('redux-saga: `call` of an increment per step, the counter in the saga'),
        details: { counted: 'call effects; runSaga() to its end' },
      },
    ],
    ratios: [
      ['ours', 'xstate'],
      ['ours', 'xstate-events'],
      ['ours', 'saga'],
      ['ours', 'saga-call'],
    ],
  })
}

runIfMain(import.meta.url, main)
