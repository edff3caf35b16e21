// Processes: the simplest process has one step, `run`, and is executed with `execute()`.
import { defineProcess } from '../../lib/index.js'

const SimpleProcess = defineProcess({
  name: 'SimpleProcess',
  steps: {
    run(_ctx, { state }) {
      console.log(state)
    },
  },
})

const proc = SimpleProcess.create()
console.log(proc.state)
await proc.execute()
console.log(proc.state)
console.log('Success', proc.isSuccessful)
console.log('Result', proc.result())
