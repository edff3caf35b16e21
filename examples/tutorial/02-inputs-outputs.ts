// Defining inputs and outputs: ports with help strings, defaults and validators, nested in
// namespaces (a dotted name creates the namespace on the way).
import * as t from 'io-ts'
import { defineProcess, input, namespace, out, output } from '../../lib/index.js'
import { isMain } from './is-main.js'

export const SpecProcess = defineProcess({
  name: 'SpecProcess',
  spec: {
    inputs: {
      input1: input(t.string, { help: 'A help string' }),
      input2: namespace({}),
      'input2.input2a': input(),
      'input2.input2b': input(t.unknown, { default: 'default' }),
    },
    outputs: {
      output1: output(),
      output2: namespace({}),
      'output2.output2a': output(),
      'output2.output2b': output(),
    },
  },
  steps: {
    *run(_ctx, { inputs }) {
      yield* out('output1', inputs.input1)
      yield* out('output2.output2a', inputs.input2.input2a)
      yield* out('output2.output2b', inputs.input2.input2b)
    },
  },
})

/** Runs the cell, printing what the notebook prints. */
export async function main(): Promise<void> {
  console.log(JSON.stringify(SpecProcess.getDescription(), null, 2))
  const proc = SpecProcess.create({
    input1: 'my input',
    input2: { input2a: 'other input' },
  })
  await proc.execute()
  console.log(JSON.stringify(proc.outputs, null, 2))
}

if (isMain(import.meta.url)) await main()
