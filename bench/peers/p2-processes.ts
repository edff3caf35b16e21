/**
 * P2, B2's shape on every engine: 1,000 three-step machines, sagas or chains (the last step gives
 * the output y = x) created, then run to their end together; processes per second, creation
 * included, paired round by round with ours (B2's code).
 */
import { plan, runIfMain, type WorkloadArgs } from '../harness.js'
import { measurePaired } from './paired.js'
import { oursThreeSteps } from './ours.js'
import { sagaThreeSteps } from './redux-saga.js'
import { xstateThreeSteps } from './xstate.js'

export const main = async (args: WorkloadArgs) => {
  const count = args.smoke ? 50 : 1_000
  return measurePaired({
    id: 'P2',
    unit: 'processes/s',
    plan: plan(args, { warmup: 5, runs: 15 }),
    contenders: [
      {
        name: 'ours',
        operations: count,
        once: () => oursThreeSteps(count),
        what: `plumpy-ts: ${count} three-step chains on one runner, B2`,
        details: { counted: 'processes; create() each, then Promise.all(execute())' },
      },
      {
        name: 'xstate',
        operations: count,
        once: () => xstateThreeSteps(count),
        what: `XState: ${count} machines of three \`always\` transitions`,
        details: { counted: 'actors; createActor() each, then Promise.all(toPromise(start()))' },
      },
      {
        name: 'saga',
        operations: count,
        once: () => sagaThreeSteps(count),
        what: `redux-saga: ${count} sagas of three \`call\`s on one store`,
        details: { counted: 'sagas; runSaga() each, then Promise.all(toPromise())' },
      },
    ],
    ratios: [
      ['ours', 'xstate'],
      ['ours', 'saga'],
    ],
  })
}

runIfMain(import.meta.url, main)
