/**
 * A first-in first-out queue of events, each with the callback of a request when it is one. A
 * ring of slots that grows when full: taking an event clears its slot (a long run of steps keeps
 * nothing alive) and allocates nothing.
 *
 * It starts with two slots and no callbacks: a process queues one or two events at a time (the
 * next step, its close), and every process that runs makes one, so most never need more; the
 * callbacks' ring is made with the first request queued (`ask` while busy), which few processes see.
 */
import type { ProcessEvent } from '../process/events.js'
import type { Answer } from './runners.js'

/** Called with the answers of a request once the loop has processed it. */
export type OnAnswer = (answers: readonly Answer[]) => void

export class Mailbox {
  private events: (ProcessEvent | undefined)[] = [undefined, undefined]
  /** Parallel to `events`, once a request has been queued. */
  private answers: (OnAnswer | undefined)[] | undefined = undefined
  private head = 0
  private count = 0

  get size(): number {
    return this.count
  }

  push(event: ProcessEvent, onAnswer: OnAnswer | undefined): void {
    if (this.count === this.events.length) this.grow()
    const slot = (this.head + this.count) & (this.events.length - 1)
    this.events[slot] = event
    if (onAnswer !== undefined)
      (this.answers ??= new Array<OnAnswer | undefined>(this.events.length))[slot] = onAnswer
    this.count += 1
  }

  /** The oldest event (call only when `size > 0`); `takeAnswer` gives its callback. */
  take(): ProcessEvent {
    const event = this.events[this.head] as ProcessEvent
    this.events[this.head] = undefined
    return event
  }

  /** The callback of the event `take` just gave, and its slot freed. */
  takeAnswer(): OnAnswer | undefined {
    const answers = this.answers
    let onAnswer: OnAnswer | undefined
    if (answers !== undefined) {
      onAnswer = answers[this.head]
      answers[this.head] = undefined
    }
    this.head = (this.head + 1) & (this.events.length - 1)
    this.count -= 1
    return onAnswer
  }

  private grow(): void {
    const length = this.events.length
    const events = new Array<ProcessEvent | undefined>(length * 2)
    const answers = this.answers
    const grown = answers === undefined ? undefined : new Array<OnAnswer | undefined>(length * 2)
    for (let i = 0; i < this.count; i++) {
      const from = (this.head + i) & (length - 1)
      events[i] = this.events[from]
      if (grown !== undefined) grown[i] = (answers as (OnAnswer | undefined)[])[from]
    }
    this.events = events
    this.answers = grown
    this.head = 0
  }
}
