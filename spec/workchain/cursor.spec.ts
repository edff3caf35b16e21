import { describe, expect, it } from 'vitest'
import { Cursor, type Block } from '../../lib/index.js'

const step = (name: string) => ({ _tag: 'Step', name }) as const

/** The tutorial's WhileWorkChain: `[initStep, while_(whileStep)(conditionalStep)]`. */
const whileOutline: Block = [
  step('initStep'),
  { _tag: 'While', predicate: 'whileStep', body: [step('conditionalStep')] },
]

/** `[a, if_(p)(b).elif_(q)(c, return_(5)).else_(d), while_(w)(e, f), return_]` */
const outline: Block = [
  step('a'),
  {
    _tag: 'If',
    branches: [
      { predicate: 'p', body: [step('b')] },
      { predicate: 'q', body: [step('c'), { _tag: 'Return', exitCode: 5 }] },
    ],
    otherwise: [step('d')],
  },
  { _tag: 'While', predicate: 'w', body: [step('e'), step('f')] },
  { _tag: 'Return', exitCode: undefined },
]

/** An evaluator answering from a table, recording what it was asked. */
const scripted = (answers: Record<string, boolean[]>) => {
  const asked: string[] = []
  const evaluate = (name: string) => {
    asked.push(name)
    const next = answers[name]?.shift()
    if (next === undefined) throw new Error(`unexpected predicate ${name}`)
    return next
  }
  return { asked, evaluate }
}

const never = () => {
  throw new Error('no predicate should run')
}

describe('Cursor.format', () => {
  it("prints like plumpy's stepper", () => {
    expect(Cursor.format(whileOutline, [0])).toBe('0:initStep')
    expect(Cursor.format(whileOutline, [1, 0])).toBe('1:while_(whileStep)(0:conditionalStep)')
  })

  it('prints if_ branches, elif_ and else_ by the branch taken', () => {
    expect(Cursor.format(outline, [1, 0, 0])).toBe('1:if_(p)(0:b)')
    expect(Cursor.format(outline, [1, 1, 1])).toBe('1:elif_(q)(1:return_(5))')
    expect(Cursor.format(outline, [1, 2, 0])).toBe('1:else_(0:d)')
  })

  it('prints a compound instruction not entered yet by its (first) condition, as plumpy does', () => {
    expect(Cursor.format(outline, [1])).toBe('1:if_(p)')
    expect(Cursor.format(outline, [2])).toBe('2:while_(w)')
  })

  it('prints return_ and the end of a block', () => {
    expect(Cursor.format(outline, [3])).toBe('3:return_')
    expect(Cursor.format(outline, [4])).toBe('4:<end>')
    expect(Cursor.format(outline, [2, 2])).toBe('2:while_(w)(2:<end>)')
  })
})

describe('Cursor.resolve', () => {
  it('finds the first step at the start', () => {
    expect(Cursor.resolve(outline, Cursor.start(), never)).toEqual({
      _tag: 'Step',
      name: 'a',
      cursor: [0],
    })
  })

  it('evaluates if_ and elif_ conditions in order, stopping at the first true one', () => {
    const first = scripted({ p: [true] })
    expect(Cursor.resolve(outline, [1], first.evaluate)).toMatchObject({
      name: 'b',
      cursor: [1, 0, 0],
    })
    expect(first.asked).toEqual(['p'])

    const second = scripted({ p: [false], q: [true] })
    expect(Cursor.resolve(outline, [1], second.evaluate)).toMatchObject({
      name: 'c',
      cursor: [1, 1, 0],
    })
    expect(second.asked).toEqual(['p', 'q'])

    const otherwise = scripted({ p: [false], q: [false] })
    expect(Cursor.resolve(outline, [1], otherwise.evaluate)).toMatchObject({
      name: 'd',
      cursor: [1, 2, 0],
    })
    expect(otherwise.asked).toEqual(['p', 'q'])
  })

  it('does not evaluate the conditions again inside an if_ that has been entered', () => {
    expect(Cursor.resolve(outline, [1, 1, 1], never)).toEqual({ _tag: 'Return', exitCode: 5 })
  })

  it('ends the call when no branch of an if_ is taken, going on after it next time', () => {
    const ifOnly: Block = [
      { _tag: 'If', branches: [{ predicate: 'p', body: [step('b')] }], otherwise: undefined },
      step('c'),
    ]
    const { asked, evaluate } = scripted({ p: [false] })
    expect(Cursor.resolve(ifOnly, [0], evaluate)).toEqual({ _tag: 'Skip', cursor: [1] })
    expect(asked).toEqual(['p'])
  })

  it('checks a while_ before each iteration, and not inside one', () => {
    expect(Cursor.resolve(outline, [2, 1], never)).toMatchObject({ name: 'f', cursor: [2, 1] })
    const again = scripted({ w: [true] })
    expect(Cursor.resolve(outline, [2], again.evaluate)).toMatchObject({ cursor: [2, 0] })
    expect(again.asked).toEqual(['w'])
  })

  it('ends the call where a while_ ends, going on after it next time', () => {
    const done = scripted({ w: [false] })
    expect(Cursor.resolve(outline, [2], done.evaluate)).toEqual({ _tag: 'Skip', cursor: [3] })
    expect(done.asked).toEqual(['w'])
  })

  it('still reads a cursor at the end of a while_ body (as 0.1 left it) as a check of the loop', () => {
    const again = scripted({ w: [true] })
    expect(Cursor.resolve(outline, [2, 2], again.evaluate)).toMatchObject({ cursor: [2, 0] })
  })

  it('reports the end of the outline, in the call where its last while_ ends', () => {
    expect(Cursor.resolve(whileOutline, [2], never)).toEqual({ _tag: 'End' })
    const { evaluate } = scripted({ whileStep: [false] })
    expect(Cursor.resolve(whileOutline, [1], evaluate)).toEqual({ _tag: 'End' })
  })
})

describe('Cursor.after', () => {
  it('moves to the next instruction of the same block', () => {
    expect(Cursor.after(outline, [0])).toEqual([1])
    expect(Cursor.after(outline, [2, 0])).toEqual([2, 1])
  })

  it('goes back to the while_ at the end of its body, to check it again', () => {
    expect(Cursor.after(outline, [2, 1])).toEqual([2])
  })

  it('leaves an if_ at the end of its branch', () => {
    expect(Cursor.after(outline, [1, 0, 0])).toEqual([2])
    expect(Cursor.after(outline, [1, 2, 0])).toEqual([2])
    expect(Cursor.after(outline, [1, 1, 0])).toEqual([1, 1, 1])
  })

  it('knows the outline has ended after its last step', () => {
    expect(Cursor.after([step('a'), step('b')], [1])).toBeUndefined()
    const nested: Block = [
      { _tag: 'If', branches: [{ predicate: 'p', body: [step('a')] }], otherwise: undefined },
    ]
    expect(Cursor.after(nested, [0, 0, 0])).toBeUndefined()
  })
})

describe('Cursor.check', () => {
  it('accepts every cursor a chain can reach, the end of a block included', () => {
    for (const cursor of [
      [0],
      [1],
      [1, 0, 0],
      [1, 1, 1],
      [1, 1, 2],
      [1, 2, 0],
      [2],
      [2, 1],
      [2, 2],
      [3],
      [4],
    ])
      expect(Cursor.check(outline, cursor), String(cursor)).toBeUndefined()
  })

  it('refuses an index past the end of a block, saying how long the block is', () => {
    expect(Cursor.check(outline, [99])).toBe(
      'index 99 is past the end of the outline (4 instructions)',
    )
    expect(Cursor.check(outline, [2, 3])).toMatch(/index 3 is past the end of its block \(2 /)
    expect(Cursor.check(outline, [4, 0])).toMatch(/index 4 is past the end/)
  })

  it('refuses a path into a step, a return_ or a branch that does not exist', () => {
    expect(Cursor.check(outline, [0, 0])).toBe("index 0 is step 'a', which has nothing inside")
    expect(Cursor.check(outline, [3, 0])).toMatch(/a return_, which has nothing inside/)
    expect(Cursor.check(outline, [1, 3, 0])).toMatch(
      /branch 3 of the if_ at index 1 does not exist/,
    )
    expect(Cursor.check(whileOutline, [1, 0, 0])).toMatch(/step 'conditionalStep'/)
  })

  it('refuses an empty cursor', () => {
    expect(Cursor.check(outline, [])).toMatch(/at least one index/)
  })

  it('asks a suspended step position to name a step exactly', () => {
    expect(Cursor.check(outline, [2, 1], true)).toBeUndefined()
    expect(Cursor.check(outline, [1], true)).toBe('index 1 is an if_, not a step')
    expect(Cursor.check(outline, [3], true)).toBe('index 3 is a return_, not a step')
    expect(Cursor.check(outline, [4], true)).toMatch(/past the end/)
  })
})
