// Pausing and playing: a pause asked for during a step lets the step finish; the process then
// waits for `play()` before its next step, and other processes run meanwhile.
import { Continue, defineProcess, pause, type ProcessHandle } from '../../lib/index.js'
import { isMain } from './is-main.js'

export const SimpleProcess = defineProcess({
  name: 'SimpleProcess',
  steps: {
    run(_ctx, { name }) {
      console.log(name)
    },
  },
})

export const PauseProcess = defineProcess({
  name: 'PauseProcess',
  steps: {
    *run(_ctx, { name }) {
      console.log(`${name}: pausing`)
      yield* pause()
      console.log(`${name}: continue step`)
      return Continue('nextStep')
    },
    nextStep(_ctx, { name }) {
      console.log(`${name}: next step`)
    },
  },
})

/** Runs the cell, printing what the notebook prints. */
export async function main(): Promise<void> {
  const pauseProc = PauseProcess.create()
  const simpleProc = SimpleProcess.create()

  async function play(proc: ProcessHandle) {
    for (;;) {
      if (proc.paused) {
        console.log(`${proc.name}: playing (state=${proc.state})`)
        proc.play()
        break
      }
      await new Promise((resolve) => setImmediate(resolve))
    }
  }

  await Promise.all([
    pauseProc.stepUntilTerminated(),
    simpleProc.stepUntilTerminated(),
    play(pauseProc),
  ])
}

if (isMain(import.meta.url)) await main()
