// Embedding the interpreter: drive `transition` with your own loop and perform the effects
// yourself. No runner, no timers: this loop runs a process to its end synchronously.
import {
  Events,
  MutableStepApi,
  createdSnapshot,
  defineProcess,
  executeStep,
  input,
  output,
  transition,
  Continue,
  type ProcessEvent,
  type ProcessSnapshot,
} from '../../lib/index.js'
import * as t from 'io-ts'

export const Double = defineProcess({
  name: 'Double',
  spec: { inputs: { x: input(t.number) }, outputs: { y: output(t.number) } },
  steps: {
    run: (_ctx, { inputs }) => Continue('emit', inputs.x * 2),
    emit: (_ctx, { args, out }) => out('y', args[0] as number),
  },
})

const inputs = Double.spec.inputs.parse({ x: 21 })
if (inputs._tag === 'Left') throw new Error('bad inputs')
let snapshot: ProcessSnapshot = createdSnapshot('my-pid', Double.body.initial, {})
// The step API: outputs are checked against the definition's output ports.
const api = new MutableStepApi('my-pid', Double.name, inputs.right, Double.spec.outputs, {
  pause: () => false,
  play: () => false,
  kill: () => false,
})

/** Your host decides when a step runs: here, at once. Returns the event that reports it. */
const runStep = (): ProcessEvent => {
  ;[snapshot] = transition(snapshot, Events.stepStarted())
  const run = executeStep(Double, snapshot, api, { live: undefined })
  if (run._tag === 'Failed') return Events.stepFailed({ name: 'Error', message: String(run.error) })
  if (run.outcome._tag === 'Wait') throw new Error('this loop does not wait')
  return Events.stepCompleted(run.outcome, run.ctx, run.outputs, run.emitted)
}

const events: ProcessEvent[] = [Events.start()]
while (events.length > 0) {
  const [next, effects] = transition(snapshot, events.shift() as ProcessEvent)
  snapshot = next
  for (const effect of effects) {
    if (effect._tag === 'StateChanged') console.log(`${effect.from} -> ${effect.to}`)
    if (effect._tag === 'RunStep') events.push(runStep())
  }
}
console.log(snapshot.state._tag, snapshot.outputs) // FINISHED { y: 42 }
