/**
 * A first-in first-out queue of events, each with the callback of a request when it is one. A
 * ring of slots that grows when full: taking an event clears its slot (a long run of steps keeps
 * nothing alive) and allocates nothing.
 */
import type { ProcessEvent } from '../process/events.js'
import type { Answer } from './runners.js'

/** Called with the answers of a request once the loop has processed it. */
export type OnAnswer = (answers: readonly Answer[]) => void

export class Mailbox {
  private events: (ProcessEvent | undefined)[] = new Array<ProcessEvent | undefined>(8)
  private answers: (OnAnswer | undefined)[] = new Array<OnAnswer | undefined>(8)
  private head = 0
  private count = 0

  get size(): number {
    return this.count
  }

  push(event: ProcessEvent, onAnswer: OnAnswer | undefined): void {
    if (this.count === this.events.length) this.grow()
    const slot = (this.head + this.count) & (this.events.length - 1)
    this.events[slot] = event
    this.answers[slot] = onAnswer
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
    const onAnswer = this.answers[this.head]
    this.answers[this.head] = undefined
    this.head = (this.head + 1) & (this.events.length - 1)
    this.count -= 1
    return onAnswer
  }

  private grow(): void {
    const length = this.events.length
    const events = new Array<ProcessEvent | undefined>(length * 2)
    const answers = new Array<OnAnswer | undefined>(length * 2)
    for (let i = 0; i < this.count; i++) {
      events[i] = this.events[(this.head + i) & (length - 1)]
      answers[i] = this.answers[(this.head + i) & (length - 1)]
    }
    this.events = events
    this.answers = answers
    this.head = 0
  }
}
