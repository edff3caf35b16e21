// Embedding the interpreter: the loop the runtime uses, with effect runners of your own. No
// runner, no timers: this host runs a process's steps at once and prints its state changes.
import {
  Continue,
  Events,
  ProcessLoop,
  StepViews,
  createdSnapshot,
  defineProcess,
  executeStep,
  inertRunners,
  input,
  out,
  output,
  stepEvent,
  type EffectRunners,
  type LiveSlot,
} from '../../lib/index.js'
import * as t from 'io-ts'

export const Double = defineProcess({
  name: 'Double',
  spec: { inputs: { x: input(t.number) }, outputs: { y: output(t.number) } },
  steps: {
    run: (_ctx, { inputs }) => Continue('emit', inputs.x * 2),
    emit: (_ctx, { args }) => out('y', args[0] as number),
  },
})

const inputs = Double.spec.inputs.parse({ x: 21 })
if (inputs._tag === 'Left') throw new Error('bad inputs')
const views = new StepViews('my-pid', Double.name, inputs.right)
const slot: LiveSlot = { live: undefined } // where a suspended generator step is kept

/** One runner per effect kind: this host takes steps at once and prints state changes. */
const runners: EffectRunners = {
  ...inertRunners,
  StateChanged: ({ from, to }) => console.log(`${from} -> ${to}`),
  RunStep: (_effect, loop) => loop.send(Events.stepStarted()),
  ExecuteStep: (_effect, loop) => {
    const execution = executeStep({ definition: Double, snapshot: loop.snapshot, views, slot })
    const { event } = stepEvent(execution, () => {
      throw new Error('this host starts no children')
    })
    loop.send(event)
  },
}

const loop = new ProcessLoop(createdSnapshot('my-pid', Double.body.initial, {}), runners, undefined)
loop.send(Events.start())
console.log(loop.snapshot.state._tag, loop.snapshot.outputs) // FINISHED { y: 42 }
