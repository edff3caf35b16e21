// Asynchronicity: processes run on the event loop, but a process's steps run synchronously:
// `Continue` never gives the loop away, so the two processes do not interleave.
import * as t from 'io-ts'
import { Continue, defineProcess, input } from '../../lib/index.js'
import { isMain } from './is-main.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function asyncFn() {
  console.log('async_fn start')
  await sleep(10)
  console.log('async_fn end')
}

export const NamedProcess = defineProcess({
  name: 'NamedProcess',
  spec: { inputs: { name: input(t.string) } },
  steps: {
    run(_ctx, { inputs }) {
      console.log(inputs.name, 'run')
      return Continue('continueFn')
    },
    continueFn(_ctx, { inputs }) {
      console.log(inputs.name, 'continued')
    },
  },
})

/** Runs the cell, printing what the notebook prints. */
export async function main(): Promise<void> {
  const process1 = NamedProcess.create({ name: 'process1' })
  const process2 = NamedProcess.create({ name: 'process2' })

  await Promise.all([asyncFn(), process1.stepUntilTerminated(), process2.stepUntilTerminated()])
}

if (isMain(import.meta.url)) await main()
