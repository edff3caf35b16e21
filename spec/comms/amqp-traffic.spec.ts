/**
 * What travels between a communicator and the broker, counted on its channels and its socket:
 * broadcasts routed by subject (a worker that obeys control broadcasts receives none of the
 * state changes of other processes, a watcher still receives all of them), RPC bindings that
 * are not sent when their subscriber is gone before its turn, frames written in bursts, and a
 * broadcast exchange of the old type refused clearly.
 */
import type { ChannelModel, ConsumeMessage } from 'amqplib'
import { connect } from 'amqplib'
import { afterEach, describe, expect, it } from 'vitest'
import { BroadcastExchangeTypeError } from '../../lib/comms/amqp/index.js'
import { UnroutableError } from '../../lib/comms/errors.js'
import {
  RemoteProcessController,
  Runner,
  Wait,
  defineProcess,
  processControl,
  silentLogger,
  type BroadcastMessage,
  type Communicator,
} from '../../lib/index.js'
import { amqpUrl } from '../support/services.js'
import { communicators, type CommunicatorSet } from './amqp-helpers.js'
import { rejectionOf, waitFor } from './helpers.js'

/** What one connection's channels did: deliveries by exchange, bind and unbind calls. */
interface Tap {
  readonly delivered: Map<string, number>
  binds: number
  unbinds: number
}

/**
 * Counts, on every channel of `connection` (the inbox among them), the deliveries to its
 * consumers by exchange and the bindings made and removed.
 */
const tapConnection = (connection: ChannelModel, tap: Tap): void => {
  type Consumer = (message: ConsumeMessage | null) => void
  interface RawChannel {
    consumers: Map<string, Consumer>
    bindQueue: (...args: unknown[]) => Promise<unknown>
    unbindQueue: (...args: unknown[]) => Promise<unknown>
  }
  const { channels } = connection.connection as unknown as {
    channels: ({ channel: RawChannel } | null | undefined)[]
  }
  for (const entry of channels.slice(1)) {
    if (entry == null) continue
    const channel = entry.channel
    for (const [tag, consumer] of channel.consumers)
      channel.consumers.set(tag, (message) => {
        if (message !== null) {
          const { exchange } = message.fields
          tap.delivered.set(exchange, (tap.delivered.get(exchange) ?? 0) + 1)
        }
        consumer(message)
      })
    const bind = channel.bindQueue.bind(channel)
    const unbind = channel.unbindQueue.bind(channel)
    channel.bindQueue = (...args) => ((tap.binds += 1), bind(...args))
    channel.unbindQueue = (...args) => ((tap.unbinds += 1), unbind(...args))
  }
}

const Waiter = defineProcess({ name: 'Waiter', steps: { run: () => Wait('run') } })
const Quick = defineProcess({ name: 'Quick', steps: { run: () => undefined } })

describe('AmqpCommunicator traffic', () => {
  let set: CommunicatorSet
  afterEach(async () => {
    await set.cleanup()
  })

  /** A communicator whose connection is tapped. */
  const tapped = async () => {
    const tap: Tap = { delivered: new Map(), binds: 0, unbinds: 0 }
    const communicator = await set.open({ onConnect: (model) => tapConnection(model, tap) })
    return { communicator, tap }
  }

  /** A runner exposing its processes on `communicator`, as a worker does. */
  const workerOn = (communicator: Communicator) => {
    const runner = new Runner({ logger: silentLogger })
    const control = processControl(communicator, { logger: silentLogger })
    runner.use(control)
    return { runner, control }
  }

  it("delivers no other process's state change to a worker, every one to a watcher", async () => {
    set = communicators(amqpUrl())
    const { communicator: quiet, tap } = await tapped()
    const busy = await set.open()
    const watcher = await set.open()
    const seen: BroadcastMessage[] = []
    await watcher.addBroadcastSubscriber((message) => void seen.push(message), {
      subjectFilter: 'state_changed',
    })
    // The quiet worker has a process of its own, so it listens to control broadcasts.
    const idle = workerOn(quiet)
    const waiting = Waiter.create({}, { runner: idle.runner, pid: 'waiting' })
    void waiting.stepUntilTerminated()
    await idle.control.reachable('waiting')
    await waitFor('the quiet process to wait', () => waiting.state === 'WAITING')
    const bindsBefore = tap.binds
    const { runner } = workerOn(busy)
    for (let i = 0; i < 20; i++) await Quick.create({}, { runner }).stepUntilTerminated()
    const others = () => seen.filter(({ sender }) => sender !== 'waiting')
    await waitFor('the watcher to see 60 state changes', () => others().length === 60)
    // A control broadcast sent after them still reaches the quiet worker, in order after them.
    await new RemoteProcessController(busy).pauseAll('everyone')
    await waitFor('the pause to be obeyed', () => waiting.paused)
    expect(tap.delivered.get(`${set.prefix}.broadcast`)).toBe(1)
    expect(tap.binds).toBe(bindsBefore)
  })

  it('binds and unbinds a process that lives long enough, once each', async () => {
    set = communicators(amqpUrl())
    const { communicator, tap } = await tapped()
    const { runner, control } = workerOn(communicator)
    const process = Waiter.create({}, { runner, pid: 'lives' })
    void process.stepUntilTerminated()
    await control.reachable('lives')
    expect(await new RemoteProcessController(await set.open()).getStatus('lives')).toMatchObject({
      state: 'WAITING',
    })
    process.kill('enough')
    await waitFor('the unbinding', () => tap.unbinds === 1)
    // The broadcast subscription (control) and the process's own RPC binding.
    expect(tap.binds).toBe(2)
  })

  it('sends no binding for a subscriber removed before its turn, and its RPCs are unroutable', async () => {
    set = communicators(amqpUrl())
    const { communicator, tap } = await tapped()
    const identifiers = Array.from({ length: 50 }, (_, i) => `gone-${i}`)
    await Promise.all(
      identifiers.map(async (identifier) => {
        const added = communicator.addRpcSubscriber(() => 'answer', identifier)
        const removed = communicator.removeRpcSubscriber(identifier)
        await Promise.all([added, removed])
      }),
    )
    expect({ binds: tap.binds, unbinds: tap.unbinds }).toEqual({ binds: 0, unbinds: 0 })
    const sender = await set.open()
    expect(await rejectionOf(sender.rpcSend('gone-7', 'status'))).toBeInstanceOf(UnroutableError)
    // One that stays is bound, and answers.
    await communicator.addRpcSubscriber(() => 'here', 'stays')
    expect(await sender.rpcSend('stays', 'status')).toBe('here')
    expect(tap.binds).toBe(1)
  })

  it('writes a burst of frames to its socket in a few system calls, not one per frame', async () => {
    set = communicators(amqpUrl())
    const calls = { write: 0, writev: 0 }
    const sender = await set.open({
      onConnect: (model) => {
        const socket = (model.connection as unknown as { stream: Record<string, unknown> }).stream
        for (const name of ['_write', '_writev'] as const) {
          const original = socket[name] as (...args: unknown[]) => unknown
          socket[name] = (...args: unknown[]) => {
            calls[name === '_write' ? 'write' : 'writev'] += 1
            return original.apply(socket, args)
          }
        }
      },
    })
    const heard: unknown[] = []
    await (await set.open()).addBroadcastSubscriber((message) => void heard.push(message.body))
    const before = { ...calls }
    await Promise.all(Array.from({ length: 50 }, (_, i) => sender.broadcastSend(i)))
    await waitFor('the 50 broadcasts', () => heard.length === 50)
    expect(heard).toEqual(Array.from({ length: 50 }, (_, i) => i))
    const writes = calls.write + calls.writev - before.write - before.writev
    expect(writes).toBeGreaterThan(0)
    expect(writes).toBeLessThan(10)
  })

  it('refuses, naming the exchange and its type, a broadcast exchange declared fanout', async () => {
    set = communicators(amqpUrl())
    const raw = await connect(amqpUrl())
    try {
      const channel = await raw.createChannel()
      await channel.assertExchange(`${set.prefix}.broadcast`, 'fanout', { durable: true })
      await channel.close()
    } finally {
      await raw.close()
    }
    const error = await rejectionOf(set.open())
    expect(String(error)).toContain(
      `the broadcast exchange '${set.prefix}.broadcast' exists as a fanout exchange`,
    )
    expect((error as Error).cause).toBeInstanceOf(BroadcastExchangeTypeError)
  })
})
