// Listeners: objects told about a process's state changes. This one resumes the process as soon
// as it waits.
import {
  Stop,
  Wait,
  defineProcess,
  type ProcessHandle,
  type ProcessListener,
} from '../../lib/index.js'
import { isMain } from './is-main.js'

const waitListener: ProcessListener<ProcessHandle> = {
  onProcessRunning(process) {
    console.log(process.state)
  },
  onProcessWaiting(process) {
    console.log(process.state)
    process.resume()
  },
}

export const WaitProcess = defineProcess({
  name: 'WaitProcess',
  steps: {
    run: () => Wait('resumeFn'),
    resumeFn: () => Stop(undefined, true),
  },
})

/** Runs the cell, printing what the notebook prints. */
export async function main(): Promise<void> {
  const proc = WaitProcess.create()
  console.log(proc.state)
  proc.addProcessListener(waitListener)
  await proc.execute()
  console.log(proc.state)
}

if (isMain(import.meta.url)) await main()
