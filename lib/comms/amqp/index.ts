/**
 * `plumpy-ts/amqp`: the communicator over RabbitMQ. Kept apart from the main entry point so
 * that programs that never talk to a broker never load amqplib.
 */
export { AmqpCommunicator } from './communicator.js'
export type { AmqpCommunicatorOptions, ReconnectOptions } from './options.js'
export { BroadcastExchangeTypeError } from './broadcast-routing.js'
