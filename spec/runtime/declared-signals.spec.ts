/**
 * A spec that declares its signals: every payload is checked by the declared codec where it
 * enters, even one that arrives before a step waits for it; other names are refused; a step that
 * waits for an undeclared signal fails, naming it.
 */
import * as t from 'io-ts'
import { describe, expect, it } from 'vitest'
import { signal } from '../../lib/commands/index.js'
import { buildSpec, SpecError } from '../../lib/ports/index.js'
import { InvalidSignalError, receiveSignal } from '../../lib/runtime/signals.js'
import { driveDefinition, scriptSignal } from '../../lib/testing/index.js'
import { quietRunner } from './helpers.js'
import { Approve, Cancel, DeclaredApproval, Note } from './signal-fixtures.js'

describe('signals declared in the spec', () => {
  it('checks an early signal by its declared codec where it enters, and nothing changes', async () => {
    const process = DeclaredApproval.create({ notes: 1 }, { runner: quietRunner() })
    const done = process.execute()
    const before = process.snapshot
    // It waits for a note: the approval is early, and still checked at once.
    expect(() => receiveSignal(process, 'approve', { by: 42 })).toThrow(InvalidSignalError)
    expect(() => receiveSignal(process, 'approve', { by: 42 })).toThrow(
      /refused signal 'approve': payload\.by: expected string, got 42/,
    )
    expect(process.snapshot).toBe(before)
    receiveSignal(process, 'approve', { by: 'gus' })
    expect(process.snapshot.inbox).toEqual([{ name: 'approve', payload: { by: 'gus' } }])
    receiveSignal(process, 'note', 'hello')
    expect(await done).toEqual({ by: 'gus' })
  })

  it('refuses a name the spec does not declare, by name and by handle', () => {
    const process = DeclaredApproval.create({}, { runner: quietRunner() })
    void process.execute()
    const before = process.snapshot
    expect(() => receiveSignal(process, 'cancel', { reason: 'x' })).toThrow(
      /refused signal 'cancel': DeclaredApproval declares no such signal \(it takes 'approve', 'note'\)/,
    )
    expect(() => process.signal(Cancel, { reason: 'x' })).toThrow(InvalidSignalError)
    expect(process.snapshot).toBe(before)
  })

  it('checks a payload sent with another signal of a declared name by the declared codec', () => {
    const process = DeclaredApproval.create({}, { runner: quietRunner() })
    void process.execute()
    const Loose = signal('approve', t.unknown)
    expect(() => process.signal(Loose, { by: 7 })).toThrow(/payload\.by: expected string, got 7/)
    expect(process.state).toBe('WAITING')
  })

  it('fails a step that waits for a signal the spec does not declare', async () => {
    const process = DeclaredApproval.create({ strayWait: true }, { runner: quietRunner() })
    await expect(process.execute()).rejects.toThrow(
      /waits for signal 'cancel', which DeclaredApproval does not declare \(its spec's signals: approve, note\)/,
    )
    expect(process.state).toBe('EXCEPTED')
  })

  it('refuses, in driveDefinition, a scripted signal the spec would refuse', () => {
    expect(() =>
      driveDefinition(DeclaredApproval, {}, { signals: [scriptSignal(Cancel, { reason: 'r' })] }),
    ).toThrow(/script\.signals\[0\]: DeclaredApproval declares no signal 'cancel'/)
    const bad = { name: 'approve', payload: { by: 1 }, after: 0 }
    expect(() => driveDefinition(DeclaredApproval, {}, { signals: [bad] })).toThrow(
      /script\.signals\[0\]: payload\.by: expected string, got 1/,
    )
    const run = driveDefinition(
      DeclaredApproval,
      { notes: 1 },
      { signals: [scriptSignal(Approve, { by: 'hal' }), scriptSignal(Note, 'n')] },
    )
    expect(run.outputs).toEqual({ by: 'hal' })
  })

  it('lists the declared signals in the description, and refuses a name declared twice', () => {
    expect(DeclaredApproval.getDescription()).toMatchObject({ signals: ['approve', 'note'] })
    expect(buildSpec({}).getDescription()).not.toHaveProperty('signals')
    expect(() => buildSpec({ signals: [Approve, signal('approve', t.string)] })).toThrow(SpecError)
    expect(() => buildSpec({ signals: [Approve, signal('approve', t.string)] })).toThrow(
      /signals\[1\]: 'approve' is declared twice/,
    )
    expect(() => buildSpec({ signals: [{} as never] })).toThrow(/signals\[0\]: expected a signal/)
  })
})
