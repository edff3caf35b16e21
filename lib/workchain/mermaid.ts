/**
 * `toMermaid(definition)`: a work chain's outline as a Mermaid flowchart, for READMEs and for
 * anyone who would rather look than read.
 */
import type { Block, Instruction } from './outline.js'

/** An edge waiting for its target: from a node, with an optional label. */
interface Exit {
  readonly from: string
  readonly label?: string
}

/** Render an outline (or a definition that has one) as a Mermaid `flowchart TD`. */
export const toMermaid = (definition: {
  readonly name?: string
  readonly outline: Block
}): string => {
  const lines: string[] = ['flowchart TD', '  start([start])']
  let counter = 0
  const node = (shape: (id: string) => string): string => {
    const id = `n${counter++}`
    lines.push(`  ${shape(id)}`)
    return id
  }
  const connect = (exits: readonly Exit[], to: string): void => {
    for (const exit of exits)
      lines.push(
        exit.label === undefined
          ? `  ${exit.from} --> ${to}`
          : `  ${exit.from} -->|${exit.label}| ${to}`,
      )
  }

  const block = (instructions: Block, entry: readonly Exit[]): Exit[] => {
    let exits = [...entry]
    for (const instruction of instructions) exits = one(instruction, exits)
    return exits
  }

  const one = (instruction: Instruction, entry: readonly Exit[]): Exit[] => {
    switch (instruction._tag) {
      case 'Step': {
        const id = node((n) => `${n}[${quote(instruction.name)}]`)
        connect(entry, id)
        return [{ from: id }]
      }
      case 'Return': {
        const label =
          instruction.exitCode === undefined ? 'return_' : `return_(${instruction.exitCode})`
        const id = node((n) => `${n}([${quote(label)}])`)
        connect(entry, id)
        lines.push(`  ${id} --> finish`)
        return []
      }
      case 'While': {
        const id = node((n) => `${n}{${quote(`while_ ${instruction.predicate}`)}}`)
        connect(entry, id)
        connect(block(instruction.body, [{ from: id, label: 'true' }]), id)
        return [{ from: id, label: 'false' }]
      }
      case 'If': {
        let pending: Exit[] = [...entry]
        const exits: Exit[] = []
        instruction.branches.forEach((branch, i) => {
          const word = i === 0 ? 'if_' : 'elif_'
          const id = node((n) => `${n}{${quote(`${word} ${branch.predicate}`)}}`)
          connect(pending, id)
          exits.push(...block(branch.body, [{ from: id, label: 'true' }]))
          pending = [{ from: id, label: 'false' }]
        })
        exits.push(
          ...(instruction.otherwise === undefined
            ? pending
            : block(instruction.otherwise, pending)),
        )
        return exits
      }
    }
  }

  const exits = block(definition.outline, [{ from: 'start' }])
  lines.push('  finish([end])')
  connect(exits, 'finish')
  return lines.join('\n')
}

const quote = (text: string): string => `"${text.replace(/"/g, '#quot;')}"`
