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
  type StepHost,
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
/** This host starts no children and keeps no error beyond the one in the snapshot. */
const host: StepHost = {
  startAwaitables: () => {
    throw new Error('this host starts no children')
  },
  recordError: () => {},
}

/** One runner per effect kind: this host takes steps at once and prints state changes. */
const runners: EffectRunners = {
  ...inertRunners,
  StateChanged: ({ from, to }) => console.log(`${from} -> ${to}`),
  RunStep: (_effect, loop) => loop.send(Events.stepStarted()),
  ExecuteStep: (_effect, loop) => {
    // `live` caches a generator suspended inside its step; without one it is replayed.
    const step = { definition: Double, snapshot: loop.snapshot, views, live: undefined }
    loop.send(stepEvent(executeStep(step), host))
  },
}

const loop = new ProcessLoop(createdSnapshot('my-pid', Double.body.initial, {}), runners, undefined)
loop.send(Events.start())
console.log(loop.snapshot.state._tag, loop.snapshot.outputs) // FINISHED { y: 42 }
