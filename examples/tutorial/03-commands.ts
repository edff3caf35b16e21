// Commands and actions: a step returns a command saying what happens next. `Continue` names the
// next step; `Kill` ends the process, its message kept as the status.
import { Continue, Kill, KilledError, defineProcess } from '../../lib/index.js'
import { isMain } from './is-main.js'

export const ContinueProcess = defineProcess({
  name: 'ContinueProcess',
  steps: {
    run() {
      console.log('running')
      return Continue('continueFn')
    },
    continueFn() {
      console.log('continuing')
      // the message is stored in the process status
      return Kill('I was killed')
    },
  },
})

/** Runs the cell, printing what the notebook prints. */
export async function main(): Promise<void> {
  const proc = ContinueProcess.create()
  try {
    await proc.execute()
  } catch (error) {
    if (!(error instanceof KilledError)) throw error
  }

  console.log(proc.state)
  console.log(proc.status)
  console.log(proc.isSuccessful)
}

if (isMain(import.meta.url)) await main()
