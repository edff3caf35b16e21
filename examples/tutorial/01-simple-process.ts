// Processes: the simplest process has one step, `run`, and is executed with `execute()`.
import { defineProcess } from '../../lib/index.js'
import { isMain } from './is-main.js'

export const SimpleProcess = defineProcess({
  name: 'SimpleProcess',
  steps: {
    run(_ctx, { state }) {
      console.log(state)
    },
  },
})

/** Runs the cell, printing what the notebook prints. */
export async function main(): Promise<void> {
  const proc = SimpleProcess.create()
  console.log(proc.state)
  await proc.execute()
  console.log(proc.state)
  console.log('Success', proc.isSuccessful)
  console.log('Result', proc.result())
}

if (isMain(import.meta.url)) await main()
