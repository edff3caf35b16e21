import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import * as t from 'io-ts'
import {
  DefinitionRegistry,
  bundle,
  decodeCheckpoint,
  defineProcess,
  defineWorkChain,
  input,
  encodeCheckpoint,
  restoreBundle,
  Runner,
  silentLogger,
  type Bundle,
  type CheckpointError,
  type Position,
} from '../../lib/index.js'

const countingChain = (version: number, key: 'count' | 'total', extra = false) =>
  defineWorkChain({
    name: 'Counter',
    version,
    context: () => ({ [key]: 0 }) as Record<string, number>,
    steps: {
      first(ctx) {
        ctx[key] = (ctx[key] ?? 0) + 1
      },
      second(ctx) {
        ctx[key] = (ctx[key] ?? 0) + 10
      },
      ...(extra ? { third() {} } : {}),
    },
    outline: (s) => (extra ? [s.first, s.second, s['third']!] : [s.first, s.second]),
  })

/** A checkpoint of `definition` taken between its first and second step, through JSON. */
const checkpointAfterFirstStep = async (definition: ReturnType<typeof countingChain>) => {
  const runner = new Runner({ logger: silentLogger })
  const process = definition.create({}, { runner })
  let taken: Bundle | undefined
  process.addProcessListener({
    onProcessRunning: (p) => {
      if (
        taken === undefined &&
        (p.ctx as Record<string, number>)[Object.keys(p.ctx as object)[0]!] === 1
      )
        taken = bundle(p)
    },
  })
  await process.execute()
  const json = JSON.parse(JSON.stringify(encodeCheckpoint(taken as Bundle)))
  const decoded = decodeCheckpoint(json)
  if (E.isLeft(decoded)) throw decoded.left
  return decoded.right
}

/** The same checkpoint at another position (its state keeps its tag). */
const atPosition = (checkpoint: Bundle, position: Position): Bundle => {
  const state = checkpoint.snapshot.state
  if (state._tag !== 'CREATED' && state._tag !== 'RUNNING' && state._tag !== 'WAITING')
    throw new Error('fixture has no position')
  return { ...checkpoint, snapshot: { ...checkpoint.snapshot, state: { ...state, position } } }
}

const problem = (result: E.Either<CheckpointError, unknown>) =>
  E.isLeft(result) ? { problem: result.left.problem, message: result.left.message } : undefined

describe('DefinitionRegistry', () => {
  it('resolves a checkpoint to the definition registered under its name', async () => {
    const V1 = countingChain(1, 'count')
    const checkpoint = await checkpointAfterFirstStep(V1)
    const resolved = DefinitionRegistry.of(V1).resolve(checkpoint)
    expect(E.isRight(resolved) && resolved.right.definition).toBe(V1)
  })

  it('refuses an unknown name with a typed error naming it', async () => {
    const checkpoint = await checkpointAfterFirstStep(countingChain(1, 'count'))
    const result = new DefinitionRegistry().resolve(checkpoint, 'some-tag')
    expect(problem(result)).toMatchObject({ problem: 'unknown-definition' })
    expect(problem(result)?.message).toContain("no definition named 'Counter'")
    expect(problem(result)?.message).toContain('some-tag')
    expect(problem(result)?.message).toContain(checkpoint.pid)
  })

  it('refuses another version without a migration, naming both versions', async () => {
    const checkpoint = await checkpointAfterFirstStep(countingChain(1, 'count'))
    const result = DefinitionRegistry.of(countingChain(2, 'count')).resolve(checkpoint)
    expect(problem(result)).toMatchObject({ problem: 'version-mismatch' })
    expect(problem(result)?.message).toMatch(/Counter@1 cannot be loaded by Counter@2/)
    // And what differs, so that the migration to write is clear.
    expect(problem(result)?.message).toContain('the outline is unchanged')
    expect(problem(result)?.message).toContain("its position [1] is one of Counter@2's")
    expect(problem(result)?.message).toContain('its inputs fit Counter@2')
  })

  it('says what differs when another version has another outline and inputs', async () => {
    const checkpoint = await checkpointAfterFirstStep(countingChain(1, 'count'))
    const Shorter = defineWorkChain({
      name: 'Counter',
      version: 2,
      spec: { inputs: { n: input(t.number) } },
      steps: { only() {} },
      outline: (s) => [s.only],
    })
    const reason = problem(DefinitionRegistry.of(Shorter).resolve(checkpoint))?.message
    expect(reason).toMatch(/the outline changed \(structure \w+, now \w+: .*only/)
    expect(reason).toContain("its position [1] is one of Counter@2's")
    expect(reason).toMatch(/its inputs do not fit Counter@2 \(inputs\.n: .+\)/)
    // A position past the end of the new outline is named as such.
    const state = checkpoint.snapshot.state as Extract<
      Bundle['snapshot']['state'],
      { _tag: 'RUNNING' }
    >
    const further: Bundle = {
      ...checkpoint,
      snapshot: {
        ...checkpoint.snapshot,
        state: { ...state, position: { ...state.position, cursor: [3] } as Position },
      },
    }
    expect(problem(DefinitionRegistry.of(Shorter).resolve(further))?.message).toMatch(
      /its position \[3\] is not one of Counter@2's \(.+\)/,
    )
  })

  it('refuses the same version whose outline changed, saying what it is now', async () => {
    const checkpoint = await checkpointAfterFirstStep(countingChain(1, 'count'))
    const result = DefinitionRegistry.of(countingChain(1, 'count', true)).resolve(checkpoint)
    expect(problem(result)).toMatchObject({ problem: 'structure-mismatch' })
    expect(problem(result)?.message).toContain('third')
  })

  it('runs the registered migrations in order and the migrated process finishes', async () => {
    const checkpoint = await checkpointAfterFirstStep(countingChain(1, 'count'))
    const V3 = countingChain(3, 'total')
    const order: string[] = []
    const registry = new DefinitionRegistry().register(V3, {
      migrations: [
        {
          from: 2,
          to: 3,
          migrate: (json) => {
            order.push('2->3')
            const { count, ...rest } = json.ctx as { count: number }
            return { ...json, ctx: { ...rest, total: count } }
          },
        },
        { from: 1, to: 2, migrate: (json) => (order.push('1->2'), json) },
      ],
    })
    const resolved = registry.resolve(checkpoint)
    expect(E.isRight(resolved)).toBe(true)
    expect(order).toEqual(['1->2', '2->3'])
    const process = restoreBundle(new Runner({ logger: silentLogger }), registry, checkpoint)
    await process.stepUntilTerminated()
    expect(process.state).toBe('FINISHED')
    expect(process.ctx).toEqual({ total: 11 })
  })

  it('reports a migration that throws as a failed migration', async () => {
    const checkpoint = await checkpointAfterFirstStep(countingChain(1, 'count'))
    const registry = new DefinitionRegistry().register(countingChain(2, 'count'), {
      migrations: [
        {
          from: 1,
          to: 2,
          migrate: () => {
            throw new Error('cannot read this one')
          },
        },
      ],
    })
    const result = registry.resolve(checkpoint)
    expect(problem(result)).toMatchObject({ problem: 'migration-failed' })
    expect(problem(result)?.message).toContain('cannot read this one')
  })

  it('refuses two different definitions under one name', () => {
    expect(() =>
      DefinitionRegistry.of(countingChain(1, 'count'), countingChain(2, 'count')),
    ).toThrow(/already registered/)
  })

  it('refuses a cursor outside the outline, naming pid, tag and definition', async () => {
    const V1 = countingChain(1, 'count')
    const checkpoint = atPosition(await checkpointAfterFirstStep(V1), {
      _tag: 'Outline',
      cursor: [99],
    })
    const result = DefinitionRegistry.of(V1).resolve(checkpoint, 'later')
    expect(problem(result)).toMatchObject({ problem: 'invalid-position' })
    expect(problem(result)?.message).toBe(
      `checkpoint ${checkpoint.pid} (tag later): position [99] is outside Counter@1: ` +
        'index 99 is past the end of the outline (2 instructions)',
    )
  })

  it('refuses a process position naming a step the process does not have', async () => {
    const Single = defineProcess({ name: 'Single', steps: { run: () => 1 } })
    const runner = new Runner({ logger: silentLogger })
    const created = bundle(Single.create({}, { runner }))
    const checkpoint = atPosition(created, { _tag: 'Step', step: 'nowhere', args: [] })
    const result = DefinitionRegistry.of(Single).resolve(checkpoint)
    expect(problem(result)).toMatchObject({ problem: 'invalid-position' })
    expect(problem(result)?.message).toContain(
      "position 'nowhere' is outside Single@1: 'nowhere' is not a step of Single (its steps: run)",
    )
    const chainPosition = atPosition(created, { _tag: 'Outline', cursor: [0] })
    expect(problem(DefinitionRegistry.of(Single).resolve(chainPosition))?.message).toMatch(
      /Single is a process: it has no outline positions/,
    )
  })

  it('refuses a migration whose result has a position outside the new outline', async () => {
    const checkpoint = await checkpointAfterFirstStep(countingChain(1, 'count'))
    const registry = new DefinitionRegistry().register(countingChain(2, 'count'), {
      migrations: [{ from: 1, to: 2, migrate: (json) => ({ ...json, at: [5] }) }],
    })
    const result = registry.resolve(checkpoint)
    expect(problem(result)).toMatchObject({ problem: 'invalid-position' })
    expect(problem(result)?.message).toContain('position [5] is outside Counter@2')
  })

  it('refuses a migration that changes the pid', async () => {
    const checkpoint = await checkpointAfterFirstStep(countingChain(1, 'count'))
    const registry = new DefinitionRegistry().register(countingChain(2, 'count'), {
      migrations: [{ from: 1, to: 2, migrate: (json) => ({ ...json, pid: 'someone-else' }) }],
    })
    const result = registry.resolve(checkpoint)
    expect(problem(result)).toMatchObject({ problem: 'migration-failed' })
    expect(E.isLeft(result) && result.left.pid).toBe(checkpoint.pid)
    expect(problem(result)?.message).toContain(
      "migrations 1->2 changed the pid to 'someone-else': a migration must keep the pid",
    )
  })
})
