/** Parse raw inputs through a definition's spec, as `create` does, throwing on bad ones. */
import type { ProcessDefinition } from '../process/definition.js'

/** The parsed, frozen inputs; an error listing every bad path otherwise. */
export const parseInputs = (definition: ProcessDefinition, raw: unknown): unknown => {
  const parsed = definition.spec.inputs.parse(raw ?? {})
  if (parsed._tag === 'Left')
    throw new Error(
      `invalid inputs for ${definition.name}:\n` +
        parsed.left.map((e) => `  ${e.path}: ${e.message}`).join('\n'),
    )
  return parsed.right
}
