// Running processes on a runner inside an existing program: your own runner (its own ids, clock,
// logger and store), several processes at once, and a listener to report progress.
import * as t from 'io-ts'
import {
  defineProcess,
  InMemoryPersister,
  input,
  out,
  output,
  Runner,
  silentLogger,
  type ProcessHandle,
  type ProcessListener,
} from '../../lib/index.js'

export const Square = defineProcess({
  name: 'Square',
  spec: { inputs: { x: input(t.number) }, outputs: { y: output(t.number) } },
  steps: { run: (_ctx, { inputs }) => out('y', inputs.x ** 2) },
})

const runner = new Runner({
  logger: silentLogger,
  persister: new InMemoryPersister(),
  checkpoints: 'every-transition',
})
const listener: ProcessListener<ProcessHandle> = {
  onProcessFinished: (process, outputs) => console.log(process.name, 'finished', outputs),
}
const results = await Promise.all(
  [1, 2, 3].map((x) => Square.create({ x }, { runner, listeners: [listener] }).execute()),
)
await runner.flush()
console.log(results.map((r) => r.y)) // [ 1, 4, 9 ]
