// Work chains: an outline of steps, run one after the other.
import { defineWorkChain } from '../../lib/index.js'

const SimpleWorkChain = defineWorkChain({
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

await SimpleWorkChain.create().execute()
