import * as t from 'io-ts'
import { describe, expect, expectTypeOf, it } from 'vitest'
import {
  Runner,
  append_,
  defineWorkChain,
  launch,
  output,
  silentLogger,
  task,
} from '../../lib/index.js'
import { out, toContext } from '../../lib/commands/index.js'
import { Double } from './helpers.js'

describe('toContext in a generator step', () => {
  it('gives typed results back through yield*, and the step continues inside itself', async () => {
    const log: string[] = []
    const Gen = defineWorkChain({
      name: 'Gen',
      spec: { outputs: { total: output(t.number) } },
      steps: {
        *launchAndSum(_ctx) {
          log.push('before')
          const { child, other } = yield* toContext({
            child: launch(Double, { x: 1 }),
            other: task(async () => 'text'),
          })
          expectTypeOf(child).toEqualTypeOf<{ readonly y: number }>()
          expectTypeOf(other).toEqualTypeOf<string>()
          log.push(`after ${child.y} ${other}`)
          const { more } = yield* toContext({ more: launch(Double, { x: child.y }) })
          log.push(`again ${more.y}`)
          yield* out('total', child.y + more.y)
        },
        next: (ctx) => void log.push(`next sees ${JSON.stringify(ctx)}`),
      },
      outline: (s) => [s.launchAndSum, s.next],
    })
    const process = Gen.create({}, { runner: new Runner({ logger: silentLogger }) })
    const outputs = await process.execute()
    expect(outputs).toEqual({ total: 6 })
    expect(log).toEqual([
      'before',
      'after 2 text',
      'again 4',
      'next sees {"child":{"y":2},"other":"text","more":{"y":4}}',
    ])
  })

  it('gives appended results as a list', async () => {
    const Gen = defineWorkChain({
      name: 'GenAppend',
      context: () => ({ got: [] as number[] }),
      steps: {
        *collect(ctx) {
          const { all } = yield* toContext({ all: append_(launch(Double, { x: 5 })) })
          expectTypeOf(all).toEqualTypeOf<{ readonly y: number }[]>()
          ctx.got.push(all.length)
        },
      },
      outline: (s) => [s.collect],
    })
    const process = Gen.create({}, { runner: new Runner({ logger: silentLogger }) })
    await process.execute()
    expect(process.ctx).toEqual({ got: [1], all: [{ y: 10 }] })
  })
})
