/**
 * A `while_` laid out: its diamond, the body below it (`true`), the edge back up on the right
 * once the body has run, and the `false` edge down the left to the exit.
 */
import type { WhileInstruction } from '../workchain/outline.js'
import {
  DIAMOND_HEIGHT,
  DIAMOND_PADDING,
  GAP,
  SIDE,
  type Laid,
  type LayoutContext,
} from './outline-layout.js'
import { diamond, edgeLabel, path, textWidth } from './svg.js'

/** The layout of `instruction`, at `place` in the outline. */
export const layOutLoop = (
  context: LayoutContext,
  instruction: WhileInstruction,
  place: readonly number[],
): Laid => {
  const label = `while_ ${instruction.predicate}`
  const dWidth = textWidth(label) + DIAMOND_PADDING
  const body = context.block(instruction.body, place)
  const anchor = SIDE + Math.max(dWidth / 2, body.anchor)
  const bodyX = anchor - body.anchor
  const width = Math.max(anchor + dWidth / 2, bodyX + body.width) + SIDE
  const bodyTop = DIAMOND_HEIGHT + GAP
  const height = bodyTop + body.height + GAP
  // A cursor at the end of the body (as earlier versions left it) is the check again.
  const ended = [...place, instruction.body.length]
  return {
    width,
    height,
    anchor,
    exits: true,
    draw: (x, y, out) => {
      const centre = x + anchor
      const mid = y + DIAMOND_HEIGHT / 2
      const size = { width: dWidth, height: DIAMOND_HEIGHT }
      out.push(diamond({ x: centre, y: mid }, size, context.look(label, place, ended)))
      out.push(
        path([
          { x: centre, y: y + DIAMOND_HEIGHT },
          { x: centre, y: y + bodyTop },
        ]),
      )
      out.push(edgeLabel({ x: centre + 5, y: y + DIAMOND_HEIGHT + 14 }, 'true'))
      body.draw(x + bodyX, y + bodyTop, out)
      const bodyEnd = y + bodyTop + body.height
      if (body.exits) {
        const turn = bodyEnd + GAP / 2 - 4
        const rightX = x + width - SIDE / 2
        out.push(
          path([
            { x: centre, y: bodyEnd },
            { x: centre, y: turn },
            { x: rightX, y: turn },
            { x: rightX, y: mid },
            { x: centre + dWidth / 2, y: mid },
          ]),
        )
      }
      const leftX = x + SIDE / 2
      const exit = [
        { x: centre - dWidth / 2, y: mid },
        { x: leftX, y: mid },
        { x: leftX, y: y + height },
        { x: centre, y: y + height },
      ]
      out.push(path(exit, false))
      out.push(edgeLabel({ x: leftX + 4, y: mid + 16 }, 'false'))
    },
  }
}
