/**
 * A worker in the spec's own process, on a local bus, with a controller that talks to it: for
 * specs about what a worker answers, where a worker program of its own would only add start-up.
 */
import { DefinitionRegistry } from '../../lib/checkpoint/registry.js'
import type { ProcessDefinition } from '../../lib/process/definition.js'
import { RemoteProcessController } from '../../lib/comms/controller.js'
import { LocalCommunicator } from '../../lib/comms/local.js'
import type { Persister } from '../../lib/persistence/persister.js'
import type { Durability } from '../../lib/runtime/durability.js'
import { silentLogger } from '../../lib/runtime/environment.js'
import { LocalClaims, LocalOwnership } from '../../lib/worker/ownership.js'
import { Worker } from '../../lib/worker/worker.js'

/** Starts worker `w` on `store`; what must be closed after the spec is pushed on `closing`. */
export const startLocalWorker = async (options: {
  readonly store: Persister
  readonly definition: ProcessDefinition
  readonly durability: Durability
  readonly closing: (() => Promise<unknown>)[]
}) => {
  const { store, definition, durability, closing } = options
  const workerSide = new LocalCommunicator({ logger: silentLogger })
  const worker = await Worker.start({
    name: 'w',
    communicator: workerSide,
    store,
    ownership: new LocalOwnership('w', new LocalClaims()),
    registry: DefinitionRegistry.of(definition),
    logger: silentLogger,
    recoverEveryMs: 0,
    timerPollMs: 0,
    durability,
  })
  closing.push(() => worker.shutdown())
  const communicator = new LocalCommunicator({ bus: workerSide.bus, logger: silentLogger })
  closing.push(() => communicator.close())
  return { worker, controller: new RemoteProcessController(communicator) }
}
