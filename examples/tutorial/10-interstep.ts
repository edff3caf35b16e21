// Interstep processes and asynchronicity: a step that puts awaitables (a child process, an
// asynchronous task) in the context makes the chain WAIT after it, which lets other chains run.
// The results land in the context under their keys.
import * as t from 'io-ts'
import {
  defineProcess,
  defineWorkChain,
  input,
  launch,
  out,
  output,
  task,
  toContext,
} from '../../lib/index.js'
import { isMain } from './is-main.js'

// Both chains' tasks start on the same turn of the loop and sleep 10 ms, so in the notebook they
// wake together. Node fires two timers set a few microseconds apart one by one, on different
// turns, so the tasks share one timer here: the order then is the notebook's, every time.
let tick: Promise<void> | undefined
const sleep = (ms: number) =>
  (tick ??= new Promise<void>((resolve) =>
    setTimeout(() => {
      tick = undefined
      resolve()
    }, ms),
  ))

/** Blocks the whole program, as `time.sleep` does in the notebook: steps never yield the loop. */
const sleepSync = (ms: number) => {
  const until = performance.now() + ms
  while (performance.now() < until);
}

async function awaitableFunc(msg: string) {
  await sleep(10)
  console.log(msg)
  return true
}

export const InternalProcess = defineProcess({
  name: 'InternalProcess',
  spec: {
    inputs: { name: input(t.string, { default: 'process' }) },
    outputs: { value: output() },
  },
  steps: {
    run(_ctx, { inputs }) {
      console.log(inputs.name)
      return out('value', 'value')
    },
  },
})

export const InterstepWorkChain = defineWorkChain({
  name: 'InterstepWorkChain',
  spec: {
    inputs: {
      name: input(t.string, { default: 'workchain' }),
      process: input(t.boolean, { default: false }),
      awaitable: input(t.boolean, { default: false }),
    },
  },
  steps: {
    step1(_ctx, { inputs }) {
      console.log(inputs.name, 'step1')
    },
    step2(_ctx, { inputs }) {
      console.log(inputs.name, 'step2')
      sleepSync(10)
      return toContext({
        ...(inputs.awaitable
          ? { awaitable: task(() => awaitableFunc(`${inputs.name} step2 awaitable`)) }
          : {}),
        ...(inputs.process
          ? { process: launch(InternalProcess, { name: `${inputs.name} step2 process` }) }
          : {}),
      })
    },
    step3(ctx, { inputs }) {
      console.log(inputs.name, 'step3')
      console.log(`  ctx=${JSON.stringify(ctx)}`)
    },
  },
  outline: (s) => [s.step1, s.step2, s.step3],
})

/** Runs the cell, printing what the notebook prints. */
export async function main(): Promise<void> {
  type Inputs = { process?: boolean; awaitable?: boolean }

  async function runTwo(options: Inputs) {
    const wkchain1 = InterstepWorkChain.create({ name: 'wkchain1', ...options })
    const wkchain2 = InterstepWorkChain.create({ name: 'wkchain2', ...options })
    await Promise.all([wkchain1.stepUntilTerminated(), wkchain2.stepUntilTerminated()])
  }

  // Without awaitables, each work chain runs to completion before the next one starts.
  await runTwo({})
  // With an interstep process, a WAITING chain lets the other one start.
  await runTwo({ process: true })
  // The same with an asynchronous task.
  await runTwo({ awaitable: true })
  // Both.
  await runTwo({ process: true, awaitable: true })
}

if (isMain(import.meta.url)) await main()
