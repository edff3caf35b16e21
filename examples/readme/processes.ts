// Processes: named steps, `run` first. A generator step waits inside itself (here for a resume
// value, checked by its codec); a plain step returns a command saying what comes next.
import * as t from 'io-ts'
import {
  Continue,
  defineProcess,
  input,
  log,
  out,
  output,
  step,
  waitForResume,
} from '../../lib/index.js'

export const Greeter = defineProcess({
  name: 'Greeter',
  spec: { inputs: { who: input(t.string) }, outputs: { greeting: output(t.string) } },
  steps: {
    *run(_ctx, { inputs }) {
      const polite = yield* waitForResume(t.boolean, 'polite?') // resume(true) goes on
      yield* log.info(`greeting ${inputs.who}`)
      return Continue('greet', polite ? 'Good day' : 'Hi')
    },
    // `step({ args })` declares what `Continue('greet', …)` must give: checked, and typed here.
    greet: step({ args: t.tuple([t.string]) }, (_ctx, { args, inputs }) =>
      out('greeting', `${args[0]}, ${inputs.who}`),
    ),
  },
})

const process = Greeter.create({ who: 'Ada' }) // CREATED; bad inputs throw InvalidInputsError
const done = process.execute() // runs until the step waits
console.log(process.state) // WAITING
process.resume(true) // a value its codec refuses throws InvalidResumeValueError, and nothing changes
console.log(await done) // { greeting: 'Good day, Ada' }
