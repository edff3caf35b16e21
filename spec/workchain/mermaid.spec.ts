import { describe, expect, it } from 'vitest'
import { defineWorkChain, if_, return_, toMermaid, while_ } from '../../lib/index.js'

const noop = () => undefined
const no = () => false

describe('toMermaid', () => {
  it('draws while_, if_/elif_/else_ and return_ as a flowchart', () => {
    const Chain = defineWorkChain({
      name: 'Chain',
      steps: {
        init: noop,
        more: no,
        work: noop,
        big: no,
        small: no,
        grow: noop,
        keep: noop,
        done: noop,
      },
      outline: (s) => [
        s.init,
        while_(s.more)(s.work),
        if_(s.big)(return_(1)).elif_(s.small)(s.grow).else_(s.keep),
        s.done,
      ],
    })
    expect(toMermaid(Chain)).toBe(
      [
        'flowchart TD',
        '  start([start])',
        '  n0["init"]',
        '  start --> n0',
        '  n1{"while_ more"}',
        '  n0 --> n1',
        '  n2["work"]',
        '  n1 -->|true| n2',
        '  n2 --> n1',
        '  n3{"if_ big"}',
        '  n1 -->|false| n3',
        '  n4(["return_(1)"])',
        '  n3 -->|true| n4',
        '  n4 --> finish',
        '  n5{"elif_ small"}',
        '  n3 -->|false| n5',
        '  n6["grow"]',
        '  n5 -->|true| n6',
        '  n7["keep"]',
        '  n5 -->|false| n7',
        '  n8["done"]',
        '  n6 --> n8',
        '  n7 --> n8',
        '  finish([end])',
        '  n8 --> finish',
      ].join('\n'),
    )
  })

  it('lets the false edge of an if_ without else_ go on to what follows', () => {
    const text = toMermaid({
      outline: [
        { _tag: 'If', branches: [{ predicate: 'p', body: [] }], otherwise: undefined },
        { _tag: 'Return', exitCode: undefined },
      ],
    })
    expect(text.split('\n').slice(2)).toEqual([
      '  n0{"if_ p"}',
      '  start --> n0',
      '  n1(["return_"])',
      '  n0 -->|true| n1',
      '  n0 -->|false| n1',
      '  n1 --> finish',
      '  finish([end])',
    ])
  })

  it('draws an empty outline as start to end', () => {
    expect(toMermaid({ outline: [] })).toBe(
      ['flowchart TD', '  start([start])', '  finish([end])', '  start --> finish'].join('\n'),
    )
  })
})
