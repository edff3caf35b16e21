/** A process that waits for signals, for the signal tests. */
import * as t from 'io-ts'
import { log, out, signal, waitForResume, waitForSignal } from '../../lib/commands/index.js'
import { input, output } from '../../lib/ports/index.js'
import { defineProcess } from '../../lib/runtime/define.js'

export const Approve = signal('approve', t.type({ by: t.string }))
export const Note = signal('note', t.string)

/** Logs a note if one came first, then waits for an approval and emits who gave it. */
export const Approval = defineProcess({
  name: 'Approval',
  spec: { inputs: { notes: input(t.number, { default: 0 }) }, outputs: { by: output(t.string) } },
  steps: {
    *run(_ctx, { inputs }) {
      for (let i = 0; i < inputs.notes; i++) yield* log.info(yield* waitForSignal(Note))
      const { by } = yield* waitForSignal(Approve)
      yield* out('by', by)
    },
  },
})

/** Waits for `notes` notes, then for a verdict by resume (a string), and emits it. */
export const Verdict = defineProcess({
  name: 'Verdict',
  spec: {
    inputs: { notes: input(t.number, { default: 0 }) },
    outputs: { verdict: output(t.string) },
  },
  steps: {
    *run(_ctx, { inputs }) {
      for (let i = 0; i < inputs.notes; i++) yield* log.info(yield* waitForSignal(Note))
      const verdict = yield* waitForResume(t.string, 'a verdict')
      yield* out('verdict', verdict)
    },
  },
})

export const Cancel = signal('cancel', t.type({ reason: t.string }))

/** Approval with its signals declared in its spec: payloads are checked where they enter. */
export const DeclaredApproval = defineProcess({
  name: 'DeclaredApproval',
  spec: {
    inputs: {
      notes: input(t.number, { default: 0 }),
      strayWait: input(t.boolean, { default: false }),
    },
    outputs: { by: output(t.string) },
    signals: [Approve, Note],
  },
  steps: {
    *run(_ctx, { inputs }) {
      if (inputs.strayWait) yield* waitForSignal(Cancel)
      for (let i = 0; i < inputs.notes; i++) yield* log.info(yield* waitForSignal(Note))
      const { by } = yield* waitForSignal(Approve)
      yield* out('by', by)
    },
  },
})
