/** Specs shared by several test files. */
import * as t from 'io-ts'
import { buildSpec, input, namespace, output } from '../../lib/ports/index.js'

/** The tutorial's SpecProcess, written with a nested namespace. */
export const tutorialSpec = () =>
  buildSpec({
    inputs: {
      input1: input(t.string, { help: 'A help string' }),
      input2: namespace({ input2a: input(), input2b: input(t.unknown, { default: 'default' }) }),
    },
    outputs: { output1: output(), output2: namespace({ output2a: output(), output2b: output() }) },
  })

/** The same spec with the namespaces created by dotted names, as plumpy's `define` writes it. */
export const dottedTutorialSpec = () =>
  buildSpec({
    inputs: {
      input1: input(t.string, { help: 'A help string' }),
      'input2.input2a': input(),
      'input2.input2b': input(t.unknown, { default: 'default' }),
    },
    outputs: { output1: output(), 'output2.output2a': output(), 'output2.output2b': output() },
  })
