// Pulling tasks from a named queue one at a time (kiwipy's task_queue), on the in-process
// communicator; an AmqpCommunicator does the same over RabbitMQ.
import { LocalCommunicator } from '../../lib/index.js'

await using sender = new LocalCommunicator()
await using worker = new LocalCommunicator({ bus: sender.bus })

const squares = [2, 3, 4].map((x) => sender.taskQueue('squares').taskSend(x))
const queue = worker.taskQueue('squares')
for await (const task of queue) {
  if (task.body === 4) break // taken, not processed: it goes back to the queue
  await task.process().resolve((task.body as number) ** 2) // the sender gets the answer
}
const left = await queue.next() // the next task, or undefined when the queue is empty
console.log(left?.body, left?.redelivered) // 4 true
await left?.process().resolve(16)
console.log(await queue.next()) // undefined
console.log(await Promise.all(squares)) // [ 4, 9, 16 ]
