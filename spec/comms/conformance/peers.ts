/** What the conformance case files share. */
import type { CommunicatorPair } from '../conformance.js'

/** The pair of the running test, for the case files. */
export interface Peers {
  current(): CommunicatorPair
}

/** How long to wait before concluding that something did not happen. */
export const QUIET_MS = 150
