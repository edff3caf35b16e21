/**
 * A work chain's outline drawn as an SVG flowchart, with the current position highlighted.
 *
 * Drawn here rather than by Mermaid in the browser: an outline is structured (sequences,
 * `if_`, `while_`, `return_`), so a recursive layout draws it well in a few small files; the
 * highlighted node is found from the cursor itself (no guessing at a renderer's node ids); the
 * drawing is tested without a browser; and the package carries no multi-megabyte renderer.
 */
import type { Cursor } from '../workchain/cursor.js'
import type { Block, Instruction } from '../workchain/outline.js'
import { layOutBranches } from './outline-branches.js'
import { GAP, STEP_HEIGHT, type Laid, type LayoutContext } from './outline-layout.js'
import { layOutLoop } from './outline-loop.js'
import { box, document, path, textWidth, type NodeLook } from './svg.js'

/** Where the process is: at a cursor, at the end, or nowhere to show (terminal, not a chain). */
export type CurrentPlace =
  | { readonly _tag: 'Cursor'; readonly cursor: Cursor }
  | { readonly _tag: 'End' }
  | { readonly _tag: 'None' }

/** The drawing, and whether one of its nodes is the current position. */
export interface OutlineDrawing {
  readonly svg: string
  readonly highlighted: boolean
}

const MARGIN = 16

/**
 * Draws `outline` with the node at `current` highlighted (class `current`). Every node carries
 * its place in the outline as `data-cursor` (`1.0`: the first step in the body of the second
 * instruction; `start`, `end`).
 *
 * @example
 * const { svg } = drawOutline(Pipeline.outline, { _tag: 'Cursor', cursor: [0, 1] })
 */
export const drawOutline = (outline: Block, current: CurrentPlace): OutlineDrawing => {
  let highlighted = false
  const isAt = (place: readonly number[] | undefined): boolean =>
    place !== undefined && current._tag === 'Cursor' && sameCursor(current.cursor, place)

  const context: LayoutContext = {
    look(label, place, alsoAt) {
      const isCurrent = isAt(place) || isAt(alsoAt)
      highlighted ||= isCurrent
      return { label, current: isCurrent, cursor: place?.join('.') ?? '' }
    },
    block: (instructions, prefix) => layOutBlock(instructions, prefix),
  }

  const pill = (label: string, look: NodeLook | undefined, round: boolean): Laid => {
    const width = Math.max(80, textWidth(label) + 28)
    const size = { width, height: STEP_HEIGHT }
    return {
      width,
      height: STEP_HEIGHT,
      anchor: width / 2,
      exits: !round,
      draw: (x, y, out) => {
        out.push(box({ x, y }, size, look ?? context.look(label, undefined), round))
      },
    }
  }

  const one = (instruction: Instruction, place: readonly number[]): Laid => {
    switch (instruction._tag) {
      case 'Step':
        return pill(instruction.name, context.look(instruction.name, place), false)
      case 'Return': {
        const code = instruction.exitCode
        const label = code === undefined ? 'return_' : `return_(${code})`
        return pill(label, context.look(label, place), true)
      }
      case 'While':
        return layOutLoop(context, instruction, place)
      case 'If':
        return layOutBranches(context, instruction, place)
    }
  }

  const layOutBlock = (instructions: Block, prefix: readonly number[]): Laid => {
    const parts = instructions.map((instruction, i) => one(instruction, [...prefix, i]))
    return stack(parts)
  }

  const atEnd = current._tag === 'End' || isAt([outline.length])
  highlighted ||= atEnd
  const start = { label: 'start', current: false, cursor: 'start' }
  const whole = stack([
    { ...pill('start', start, true), exits: true },
    layOutBlock(outline, []),
    pill('end', { label: 'end', current: atEnd, cursor: 'end' }, true),
  ])
  const out: string[] = []
  whole.draw(MARGIN, MARGIN, out)
  const size = { width: whole.width + 2 * MARGIN, height: whole.height + 2 * MARGIN }
  return { svg: document(size, out), highlighted }
}

/** Elements one below the other, their anchors aligned, joined by arrows where one exits. */
const stack = (parts: readonly Laid[]): Laid => {
  const anchor = Math.max(0, ...parts.map((p) => p.anchor))
  const right = Math.max(0, ...parts.map((p) => p.width - p.anchor))
  const height = parts.reduce((sum, p) => sum + p.height, 0) + GAP * (parts.length - 1)
  return {
    width: anchor + right,
    height: Math.max(0, height),
    anchor,
    exits: parts.every((p) => p.exits),
    draw: (x, y, out) => {
      let top = y
      parts.forEach((part, i) => {
        if (i > 0 && parts[i - 1]?.exits === true)
          out.push(
            path([
              { x: x + anchor, y: top - GAP },
              { x: x + anchor, y: top },
            ]),
          )
        part.draw(x + anchor - part.anchor, top, out)
        top += part.height + GAP
      })
    },
  }
}

const sameCursor = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((value, i) => value === b[i])
