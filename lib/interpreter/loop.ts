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
import { absurd } from '../process/enter.js'
import { transition } from '../process/transition.js'
import { Mailbox, type OnAnswer } from './mailbox.js'
import type { Answer, EffectRunners } from './runners.js'

export type { OnAnswer } from './mailbox.js'

/**
 * A process's mailbox, snapshot and runners; `owner` is what the runners act for. A host may
 * extend the loop with its process object (the runtime's handle does: one object per process
 * rather than two, since a process may wait for days); the owner is then the loop itself.
 */
export class ProcessLoop<O = unknown> {
  private snap: ProcessSnapshot
  /** Events waiting for their turn (made on first use: most processes rarely queue). */
  private mail: Mailbox | undefined = undefined
  private busy = false
  private ownedBy: O

  constructor(
    snapshot: ProcessSnapshot,
    private readonly runners: EffectRunners<O>,
    owner: O,
  ) {
    this.snap = snapshot
    this.ownedBy = owner
  }

  /** What the runners act for. */
  get owner(): O {
    return this.ownedBy
  }

  /** For a class that extends the loop with its process object: the runners act for this. */
  protected ownedBySelf(): void {
    this.ownedBy = this as unknown as O
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
    if (this.busy) (this.mail ??= new Mailbox()).push(event, undefined)
    else this.drain(event, undefined)
  }

  /**
   * Send a request and hear its answer (a reply, a deferral or a refusal) when it is processed:
   * at once when the mailbox is idle, later when it is not.
   */
  ask(event: ProcessEvent, onAnswer: OnAnswer): void {
    if (this.busy) (this.mail ??= new Mailbox()).push(event, onAnswer)
    else this.drain(event, onAnswer)
  }

  /** Perform effects that belong to no event (a process's creation). */
  perform(effects: readonly Effect[]): void {
    if (this.busy) throw new Error('effects can only be performed while the mailbox is idle')
    this.busy = true
    try {
      this.performAll(effects)
      this.processQueued()
    } finally {
      this.busy = false
    }
  }

  /** Process `event`, then whatever its effects raised, in order. */
  private drain(event: ProcessEvent, onAnswer: OnAnswer | undefined): void {
    this.busy = true
    try {
      this.process(event, onAnswer)
      this.processQueued()
    } finally {
      this.busy = false
      // A waiting process may wait for days, and an ended one be kept as long as its handle:
      // neither keeps an empty mailbox meanwhile.
      if (this.mail?.size === 0 && (this.snap.state._tag === 'WAITING' || this.snap.closed))
        this.mail = undefined
    }
  }

  private processQueued(): void {
    const mail = this.mail
    if (mail === undefined) return
    while (mail.size > 0) {
      const event = mail.take()
      this.process(event, mail.takeAnswer())
    }
  }

  private process(event: ProcessEvent, onAnswer: OnAnswer | undefined): void {
    const [next, effects] = transition(this.snap, event)
    this.snap = next
    if (onAnswer !== undefined) onAnswer(answersIn(effects))
    this.performAll(effects)
  }

  private performAll(effects: readonly Effect[]): void {
    const runners = this.runners
    // Indexed: `for … of` allocates an iterator result per effect, on every step. One call site
    // per kind, the most frequent first: each sees one runner, where a single
    // `runners[effect._tag](…)` would see them all and call none of them directly.
    for (let i = 0; i < effects.length; i++) {
      const effect = effects[i] as Effect
      switch (effect._tag) {
        case 'Hook':
          runners.Hook(effect, this)
          break
        case 'Notify':
          runners.Notify(effect, this)
          break
        case 'StateChanged':
          runners.StateChanged(effect, this)
          break
        case 'RunStep':
          runners.RunStep(effect, this)
          break
        case 'ExecuteStep':
          runners.ExecuteStep(effect, this)
          break
        case 'Raise':
          ;(this.mail ??= new Mailbox()).push(effect.event, undefined)
          break
        case 'Reply':
        case 'Defer':
        case 'Reject':
          break
        case 'Await':
          runners.Await(effect, this)
          break
        case 'CancelAwaited':
          runners.CancelAwaited(effect, this)
          break
        case 'RestartAwaited':
          runners.RestartAwaited(effect, this)
          break
        case 'SignalKept':
          runners.SignalKept(effect, this)
          break
        case 'KillChildren':
          runners.KillChildren(effect, this)
          break
        case 'Settle':
          runners.Settle(effect, this)
          break
        case 'Checkpoint':
          runners.Checkpoint(effect, this)
          break
        case 'Log':
          runners.Log(effect, this)
          break
        case 'Terminated':
          runners.Terminated(effect, this)
          break
        default:
          absurd(effect)
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
