/** Communicators on a prefix of their own, for the RabbitMQ specs, and how to clean up after them. */
import { randomBytes } from 'node:crypto'
import { AmqpCommunicator } from '../../lib/comms/amqp/index.js'
import type { AmqpCommunicatorOptions } from '../../lib/comms/amqp/options.js'
import { removeTopology } from '../worker/harness.js'
import { TASK_QUEUE_NAMES } from './conformance/task-queues.js'
import { recordingLogger } from './helpers.js'

const RUN = randomBytes(4).toString('hex')
let prefixes = 0
const freshPrefix = () => `plumpy-test-${RUN}-${++prefixes}`

/** Communicators on one prefix, closed (and the topology removed) by `cleanup`. */
export const communicators = (url: string) => {
  const prefix = freshPrefix()
  const logger = recordingLogger()
  const opened: AmqpCommunicator[] = []
  return {
    prefix,
    logger,
    open: async (options: AmqpCommunicatorOptions = {}) => {
      const communicator = await AmqpCommunicator.connect(url, { prefix, logger, ...options })
      opened.push(communicator)
      return communicator
    },
    cleanup: async () => {
      await Promise.all(opened.map((communicator) => communicator.close()))
      await removeTopology(url, prefix, TASK_QUEUE_NAMES)
    },
  }
}

/** A set of communicators, as `communicators` makes them. */
export type CommunicatorSet = ReturnType<typeof communicators>
