import { describe, expect, it } from 'vitest'
import { bundle } from '../../lib/checkpoint/bundle.js'
import { decodeCheckpoint, encodeCheckpoint } from '../../lib/checkpoint/codec.js'
import { DefinitionRegistry } from '../../lib/checkpoint/registry.js'
import { Approval, Approve, Note } from './signal-fixtures.js'
import { InMemoryPersister } from '../../lib/persistence/memory.js'
import { InvalidStateError } from '../../lib/process/errors.js'
import { loadProcess } from '../../lib/runtime/load.js'
import { InvalidSignalError, receiveSignal } from '../../lib/runtime/signals.js'
import { driveDefinition, scriptSignal } from '../../lib/testing/index.js'
import { quietRunner } from './helpers.js'

const registry = DefinitionRegistry.of(Approval)

describe('signals on a runner', () => {
  it('a process waiting for a signal goes on with its payload', async () => {
    const process = Approval.create({}, { runner: quietRunner() })
    const done = process.execute()
    expect(process.state).toBe('WAITING')
    process.signal(Approve, { by: 'ann' })
    expect(await done).toEqual({ by: 'ann' })
  })

  it('keeps a signal that comes early in the inbox, and delivers it when the wait starts', async () => {
    const process = Approval.create({ notes: 1 }, { runner: quietRunner() })
    const done = process.execute()
    process.signal(Approve, { by: 'bob' }) // it waits for a note first
    expect(process.snapshot.inbox).toEqual([{ name: 'approve', payload: { by: 'bob' } }])
    expect(process.state).toBe('WAITING')
    process.signal(Note, 'first')
    expect(await done).toEqual({ by: 'bob' })
    expect(process.snapshot.inbox).toBeUndefined()
  })

  it('keeps the inbox in checkpoints: a reloaded process gets its early signal', async () => {
    const first = Approval.create({ notes: 1 }, { runner: quietRunner(), pid: 'early' })
    void first.execute()
    first.signal(Approve, { by: 'cy' })
    const json = encodeCheckpoint(bundle(first)) as Record<string, unknown>
    expect(json['inbox']).toEqual([['approve', { by: 'cy' }]])
    expect(json['awaiting']).toEqual([{ key: 'single', signal: 'note' }])
    const decoded = decodeCheckpoint(JSON.parse(JSON.stringify(json)))
    if (decoded._tag === 'Left') throw decoded.left
    const persister = new InMemoryPersister()
    await persister.saveCheckpoint(decoded.right)
    const reloaded = await loadProcess(quietRunner(), persister, registry, 'early')
    const done = reloaded.stepUntilTerminated()
    reloaded.signal(Note, 'later')
    await done
    expect(reloaded.outputs).toEqual({ by: 'cy' })
  })

  it('refuses a payload its codec does not decode, with the dotted path, and nothing changes', () => {
    const process = Approval.create({}, { runner: quietRunner() })
    void process.execute()
    const before = process.snapshot
    const bad = { by: 42 } as unknown as { by: string }
    expect(() => process.signal(Approve, bad)).toThrow(InvalidSignalError)
    expect(() => process.signal(Approve, bad)).toThrow(/payload\.by: expected string, got 42/)
    expect(process.snapshot).toBe(before)
  })

  it('checks a signal that arrives by name against the wait for it', async () => {
    const process = Approval.create({}, { runner: quietRunner() })
    const done = process.execute()
    expect(() => receiveSignal(process, 'approve', { who: 'x' })).toThrow(
      /refused signal 'approve': payload\.by: missing \(expected string\)/,
    )
    expect(process.state).toBe('WAITING')
    receiveSignal(process, 'approve', { by: 'dee' })
    expect(await done).toEqual({ by: 'dee' })
  })

  it('refuses a signal to a process that has terminated', async () => {
    const process = Approval.create({}, { runner: quietRunner() })
    const done = process.execute()
    process.signal(Approve, { by: 'eve' })
    await done
    expect(() => process.signal(Approve, { by: 'late' })).toThrow(InvalidStateError)
    expect(() => process.signal(Approve, { by: 'late' })).toThrow(
      /has terminated \(FINISHED\): signal 'approve' refused/,
    )
  })
})

describe('signals in driveDefinition', () => {
  it('sends scripted signals on the drive clock', () => {
    const run = driveDefinition(
      Approval,
      { notes: 1 },
      { signals: [scriptSignal(Approve, { by: 'fay' }), scriptSignal(Note, 'n', '1h')] },
    )
    expect(run.state).toBe('FINISHED')
    expect(run.outputs).toEqual({ by: 'fay' })
    expect(run.logs.map((line) => line.message)).toEqual(['n'])
    expect(run.now).toBe(3_600_000)
  })

  it('blocks on a signal nobody sends', () => {
    const run = driveDefinition(Approval, {})
    expect(run.stopped).toBe('blocked')
    expect(run.requests).toEqual([
      { key: 'single', kind: 'signal', name: 'approve', append: false },
    ])
  })
})
