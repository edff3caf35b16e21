/**
 * The interpreter: one process's mailbox. Events are processed one at a time, first in first
 * out: the reducer gives the next snapshot and its effects, and the effects are performed in
 * order by the runners, before the next event is taken. An event an effect raises (a step that
 * completed, a hook that failed, a request made from inside a listener) waits in the mailbox for
 * its turn, so nothing re-enters the reducer while effects are being performed.
 */
import type { Effect } from '../process/effects.js'
import type { ProcessEvent } from '../process/events.js'
import type { ProcessSnapshot } from '../process/snapshot.js'
import { transition } from '../process/transition.js'
import type { Answer, EffectRunners, RunnerEffect } from './runners.js'

/** Called with the answers of a request once the loop has processed it. */
export type OnAnswer = (answers: readonly Answer[]) => void

/** A process's mailbox, snapshot and runners; `owner` is what the runners act for. */
export class ProcessLoop<O = unknown> {
  private snap: ProcessSnapshot
  private readonly events: ProcessEvent[] = []
  private readonly onAnswers: (OnAnswer | undefined)[] = []
  private head = 0
  private busy = false

  constructor(
    snapshot: ProcessSnapshot,
    private readonly runners: EffectRunners<O>,
    readonly owner: O,
  ) {
    this.snap = snapshot
  }

  /** The current snapshot: plain, immutable data. */
  get snapshot(): ProcessSnapshot {
    return this.snap
  }

  /** True while an event is being processed (what is sent meanwhile waits its turn). */
  get processing(): boolean {
    return this.busy
  }

  /** Send an event: processed now when the mailbox is idle, after the others otherwise. */
  send(event: ProcessEvent): void {
    this.events.push(event)
    this.onAnswers.push(undefined)
    if (!this.busy) this.drain()
  }

  /**
   * Send a request and hear its answer (a reply, a deferral or a refusal) when it is processed:
   * at once when the mailbox is idle, later when it is not.
   */
  ask(event: ProcessEvent, onAnswer: OnAnswer): void {
    this.events.push(event)
    this.onAnswers.push(onAnswer)
    if (!this.busy) this.drain()
  }

  /** Perform effects that belong to no event (a process's creation). */
  perform(effects: readonly Effect[]): void {
    if (this.busy) throw new Error('effects can only be performed while the mailbox is idle')
    this.busy = true
    try {
      this.performAll(effects)
    } finally {
      this.busy = false
    }
    this.drain()
  }

  private drain(): void {
    if (this.busy) return
    this.busy = true
    try {
      while (this.head < this.events.length) {
        const event = this.events[this.head] as ProcessEvent
        const onAnswer = this.onAnswers[this.head]
        this.head += 1
        const [next, effects] = transition(this.snap, event)
        this.snap = next
        if (onAnswer !== undefined) onAnswer(answersIn(effects))
        this.performAll(effects)
        if (this.head === this.events.length) {
          // Caught up: start the arrays over, so that a long run of steps does not grow them.
          this.events.length = 0
          this.onAnswers.length = 0
          this.head = 0
        }
      }
    } finally {
      this.events.length = 0
      this.onAnswers.length = 0
      this.head = 0
      this.busy = false
    }
  }

  private performAll(effects: readonly Effect[]): void {
    // Indexed: `for … of` allocates an iterator result per effect, on every step.
    for (let i = 0; i < effects.length; i++) {
      const effect = effects[i] as Effect
      switch (effect._tag) {
        case 'Raise':
          this.events.push(effect.event)
          this.onAnswers.push(undefined)
          break
        case 'Reply':
        case 'Defer':
        case 'Reject':
          break
        default:
          ;(this.runners[effect._tag] as (effect: RunnerEffect, loop: ProcessLoop<O>) => void)(
            effect,
            this,
          )
      }
    }
  }
}

const answersIn = (effects: readonly Effect[]): readonly Answer[] => {
  const answers: Answer[] = []
  for (let i = 0; i < effects.length; i++) {
    const effect = effects[i] as Effect
    if (effect._tag === 'Reply' || effect._tag === 'Defer' || effect._tag === 'Reject')
      answers.push(effect)
  }
  return answers
}
