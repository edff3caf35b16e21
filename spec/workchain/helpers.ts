/** What the work chain specs share: a quiet runner, a run to the end, a child to launch. */
import * as t from 'io-ts'
import {
  Runner,
  defineProcess,
  input,
  output,
  silentLogger,
  type ProcessHandle,
} from '../../lib/index.js'
import { out } from '../../lib/commands/index.js'

export const newRunner = () => new Runner({ logger: silentLogger })

/** Run `process` to the end and return its handle (never rejects). */
export const run = async <I, O>(process: ProcessHandle<I, O>) => {
  await process.stepUntilTerminated()
  return process
}

/** A child that doubles its input. */
export const Double = defineProcess({
  name: 'Double',
  spec: { inputs: { x: input(t.number) }, outputs: { y: output(t.number) } },
  steps: { run: (_ctx, { inputs }) => out('y', inputs.x * 2) },
})
