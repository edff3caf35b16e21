/**
 * The interpreter: a process's mailbox, which feeds events to the reducer one at a time and has
 * each effect performed by the runner for its kind. The runtime and the test drivers share it.
 */
export { ProcessLoop } from './loop.js'
export type { OnAnswer } from './loop.js'
export { inertRunners } from './runners.js'
export type { Answer, EffectRunner, EffectRunners, RunnerEffect } from './runners.js'
export { stepEvent } from './step-event.js'
export type { StepHost } from './step-event.js'
