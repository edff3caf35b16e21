/**
 * An `if_` laid out in columns: one per branch (its diamond, its body below it on `true`), the
 * `false` edges from diamond to diamond, then the `else_` body (or a straight way past), and
 * every way out merged below.
 */
import type { IfInstruction } from '../workchain/outline.js'
import {
  COLUMN_GAP,
  DIAMOND_HEIGHT,
  DIAMOND_PADDING,
  GAP,
  type Laid,
  type LayoutContext,
} from './outline-layout.js'
import { diamond, edgeLabel, path, textWidth, type Point } from './svg.js'

/** The layout of `instruction`, at `place` in the outline. */
export const layOutBranches = (
  context: LayoutContext,
  instruction: IfInstruction,
  place: readonly number[],
): Laid => {
  const columns = instruction.branches.map((branch, i) => {
    const label = `${i === 0 ? 'if_' : 'elif_'} ${branch.predicate}`
    const dWidth = textWidth(label) + DIAMOND_PADDING
    const body = context.block(branch.body, [...place, i])
    const anchor = Math.max(dWidth / 2, body.anchor)
    const width = Math.max(anchor + dWidth / 2, anchor - body.anchor + body.width)
    return { label, dWidth, body, anchor, width }
  })
  const otherwise =
    instruction.otherwise === undefined
      ? undefined
      : context.block(instruction.otherwise, [...place, instruction.branches.length])
  const last = otherwise ?? { width: 20, anchor: 10, height: 0, exits: true }
  const lefts: number[] = []
  let lastLeft = 0
  for (const column of columns) {
    lefts.push(lastLeft)
    lastLeft += column.width + COLUMN_GAP
  }
  const bodyTop = DIAMOND_HEIGHT + GAP
  const height = bodyTop + Math.max(last.height, ...columns.map((c) => c.body.height)) + GAP
  const anchor = columns[0]?.anchor ?? last.anchor
  return {
    width: lastLeft + last.width,
    height,
    anchor,
    exits: last.exits || columns.some((c) => c.body.exits),
    draw: (x, y, out) => {
      const mid = y + DIAMOND_HEIGHT / 2
      const merge = y + height - GAP / 2
      const lastX = x + lastLeft + last.anchor
      const exits: number[] = []
      columns.forEach((column, i) => {
        const cx = x + (lefts[i] ?? 0) + column.anchor
        const size = { width: column.dWidth, height: DIAMOND_HEIGHT }
        // An `if_` not entered yet has its cursor on the instruction: the first diamond.
        const look = context.look(column.label, i === 0 ? place : undefined)
        out.push(diamond({ x: cx, y: mid }, size, look))
        out.push(
          path([
            { x: cx, y: y + DIAMOND_HEIGHT },
            { x: cx, y: y + bodyTop },
          ]),
        )
        out.push(edgeLabel({ x: cx + 5, y: y + DIAMOND_HEIGHT + 14 }, 'true'))
        column.body.draw(cx - column.body.anchor, y + bodyTop, out)
        if (column.body.exits) {
          const bottom = y + bodyTop + column.body.height
          out.push(
            path(
              [
                { x: cx, y: bottom },
                { x: cx, y: merge },
              ],
              false,
            ),
          )
          exits.push(cx)
        }
        const next = columns[i + 1]
        const nextX =
          next === undefined ? lastX : x + (lefts[i + 1] ?? 0) + next.anchor - next.dWidth / 2
        const falsePath: Point[] = [
          { x: cx + column.dWidth / 2, y: mid },
          { x: nextX, y: mid },
        ]
        if (next === undefined)
          falsePath.push({ x: nextX, y: otherwise === undefined ? merge : y + bodyTop })
        out.push(path(falsePath, next !== undefined || otherwise !== undefined))
        out.push(edgeLabel({ x: cx + column.dWidth / 2 + 4, y: mid - 5 }, 'false'))
      })
      if (otherwise !== undefined) {
        otherwise.draw(lastX - otherwise.anchor, y + bodyTop, out)
        const bottom = y + bodyTop + otherwise.height
        if (otherwise.exits)
          out.push(
            path(
              [
                { x: lastX, y: bottom },
                { x: lastX, y: merge },
              ],
              false,
            ),
          )
      }
      if (last.exits) exits.push(lastX)
      if (exits.length > 0) {
        const xs = [...exits, x + anchor]
        out.push(
          path(
            [
              { x: Math.min(...xs), y: merge },
              { x: Math.max(...xs), y: merge },
            ],
            false,
          ),
        )
        out.push(
          path(
            [
              { x: x + anchor, y: merge },
              { x: x + anchor, y: y + height },
            ],
            false,
          ),
        )
      }
    },
  }
}
