/** Every command a step can yield or return. */
import type { FlowCommand } from './flow.js'
import type { InstantCommand } from './instant.js'
import type { SuspendCommand } from './suspend.js'

/** Any command: one that ends the step, one answered inside it, or one that suspends it. */
export type Command = FlowCommand | InstantCommand | SuspendCommand
