// Conditionals: `if_(predicate)(...)` runs its steps when the predicate step returns a truthy
// value.
import * as t from 'io-ts'
import { defineWorkChain, if_, input } from '../../lib/index.js'
import { isMain } from './is-main.js'

export const IfWorkChain = defineWorkChain({
  name: 'IfWorkChain',
  spec: { inputs: { run: input(t.boolean) } },
  steps: {
    ifStep(_ctx, { inputs }) {
      console.log('  if')
      return inputs.run
    },
    conditionalStep() {
      console.log('  conditional')
    },
  },
  outline: (s) => [if_(s.ifStep)(s.conditionalStep)],
})

/** Runs the cell, printing what the notebook prints. */
export async function main(): Promise<void> {
  console.log('execute False')
  await IfWorkChain.create({ run: false }).execute()

  console.log('execute True')
  await IfWorkChain.create({ run: true }).execute()
}

if (isMain(import.meta.url)) await main()
