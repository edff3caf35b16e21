/**
 * Outlines as JSON descriptions (for `getDescription()`) and as a canonical structure string
 * (hashed into checkpoints, to notice when the code of a definition has changed).
 */
import type { Block, Instruction } from './outline.js'

/** The outline as a JSON tree: step names, and one object per compound instruction. */
export const describeOutline = (block: Block): unknown[] => block.map(describeInstruction)

const describeInstruction = (instruction: Instruction): unknown => {
  switch (instruction._tag) {
    case 'Step':
      return instruction.name
    case 'Return':
      return instruction.exitCode === undefined ? 'return_' : `return_(${instruction.exitCode})`
    case 'While':
      return { [`while_(${instruction.predicate})`]: describeOutline(instruction.body) }
    case 'If': {
      const description: Record<string, unknown> = {}
      instruction.branches.forEach((branch, i) => {
        description[`${i === 0 ? 'if_' : 'elif_'}(${branch.predicate})`] = describeOutline(
          branch.body,
        )
      })
      if (instruction.otherwise !== undefined)
        description['else_'] = describeOutline(instruction.otherwise)
      return description
    }
  }
}

/** A canonical string of the outline's structure. */
export const structureOf = (block: Block): string => JSON.stringify(describeOutline(block))

export { fingerprint } from '../process/fingerprint.js'
