// Work chains: an outline of steps, run one after the other.
import { defineWorkChain } from '../../lib/index.js'
import { isMain } from './is-main.js'

export const SimpleWorkChain = defineWorkChain({
  name: 'SimpleWorkChain',
  steps: {
    step1() {
      console.log('step1')
    },
    step2() {
      console.log('step2')
    },
  },
  outline: (s) => [s.step1, s.step2],
})

/** Runs the cell, printing what the notebook prints. */
export async function main(): Promise<void> {
  await SimpleWorkChain.create().execute()
}

if (isMain(import.meta.url)) await main()
