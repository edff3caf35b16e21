/** The outline drawn as SVG: one node per instruction, the node at the cursor highlighted. */
import { describe, expect, it } from 'vitest'
import { drawOutline } from '../../lib/dashboard/outline-drawing.js'
import { Gated } from './fixtures/definitions.js'
import type { Block } from '../../lib/workchain/outline.js'

/** The labels of the nodes marked current. */
const currentNodes = (svg: string): string[] =>
  [
    ...svg.matchAll(/<g class="node [a-z]+ current" data-cursor="([^"]*)">.*?<text[^>]*>([^<]*)</g),
  ].map((match) => `${match[1]}:${match[2]}`)

/** Every node's place and label. */
const nodes = (svg: string): string[] =>
  [...svg.matchAll(/data-cursor="([^"]*)">.*?<text[^>]*>([^<]*)</g)].map((m) => `${m[1]}:${m[2]}`)

describe('drawOutline', () => {
  it('draws one node per instruction, each named by its place in the outline', () => {
    const { svg } = drawOutline(Gated.outline, { _tag: 'None' })
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true)
    expect(nodes(svg)).toEqual([
      'start:start',
      '0:prepare',
      '1:while_ more',
      '1.0:wait',
      '1.1:count',
      '2:if_ even',
      '2.0.0:celebrate',
      '2.1.0:report',
      'end:end',
    ])
  })

  it('highlights the step at the cursor, inside loops and branches', () => {
    const at = (cursor: number[]) => drawOutline(Gated.outline, { _tag: 'Cursor', cursor })
    expect(currentNodes(at([0]).svg)).toEqual(['0:prepare'])
    expect(currentNodes(at([1, 1]).svg)).toEqual(['1.1:count'])
    expect(currentNodes(at([2, 1, 0]).svg)).toEqual(['2.1.0:report'])
    expect(at([2, 1, 0]).highlighted).toBe(true)
  })

  it('highlights a loop or a branch not entered yet at its predicate', () => {
    const at = (cursor: number[]) => drawOutline(Gated.outline, { _tag: 'Cursor', cursor })
    expect(currentNodes(at([1]).svg)).toEqual(['1:while_ more'])
    // At the end of the loop's body (as earlier versions left it): the check again.
    expect(currentNodes(at([1, 2]).svg)).toEqual(['1:while_ more'])
    expect(currentNodes(at([2]).svg)).toEqual(['2:if_ even'])
  })

  it('highlights the end once finished, and nothing when there is no position', () => {
    expect(currentNodes(drawOutline(Gated.outline, { _tag: 'End' }).svg)).toEqual(['end:end'])
    const none = drawOutline(Gated.outline, { _tag: 'None' })
    expect(currentNodes(none.svg)).toEqual([])
    expect(none.highlighted).toBe(false)
    // A cursor that names nothing in this outline highlights nothing, and says so.
    expect(drawOutline(Gated.outline, { _tag: 'Cursor', cursor: [7, 3] }).highlighted).toBe(false)
  })

  it('draws elif_ branches, return_ and escapes what it writes', () => {
    const outline: Block = [
      {
        _tag: 'If',
        branches: [
          { predicate: 'a<b', body: [{ _tag: 'Step', name: 'one' }] },
          { predicate: 'c', body: [{ _tag: 'Return', exitCode: 3 }] },
        ],
        otherwise: undefined,
      },
      { _tag: 'Step', name: '"two"&' },
    ]
    const { svg } = drawOutline(outline, { _tag: 'Cursor', cursor: [0, 1, 0] })
    expect(nodes(svg)).toEqual([
      'start:start',
      '0:if_ a&#60;b',
      '0.0.0:one',
      ':elif_ c',
      '0.1.0:return_(3)',
      '1:&#34;two&#34;&#38;',
      'end:end',
    ])
    expect(currentNodes(svg)).toEqual(['0.1.0:return_(3)'])
    expect(svg).not.toContain('<b')
  })
})
