import { randomBytes } from 'node:crypto'
import { connect, type ChannelModel, type ConsumeMessage } from 'amqplib'
import { Client } from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  amqpUrl,
  freshPgDatabase,
  pgUrl,
  restartBroker,
  startPrivateBroker,
  type PrivateBroker,
} from './services.js'

const uniqueName = (what: string) => `services-spec-${what}-${randomBytes(4).toString('hex')}`

async function query<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url })
  await client.connect()
  try {
    const result = await client.query(sql, params)
    return result.rows as T[]
  } finally {
    await client.end()
  }
}

/** Publishes one persistent message to a durable `queue` and reads it back. */
async function roundTrip(connection: ChannelModel, queue: string, body: string) {
  const channel = await connection.createChannel()
  try {
    await channel.assertQueue(queue, { durable: true })
    channel.sendToQueue(queue, Buffer.from(body), { persistent: true })
    return await receiveOne(connection, queue)
  } finally {
    await channel.close()
  }
}

async function receiveOne(connection: ChannelModel, queue: string): Promise<string> {
  const channel = await connection.createChannel()
  try {
    const message = await new Promise<ConsumeMessage>((resolve, reject) => {
      channel
        .consume(queue, (delivered) => {
          if (delivered === null) reject(new Error(`the broker cancelled the consumer of ${queue}`))
          else resolve(delivered)
        })
        .catch(reject)
    })
    channel.ack(message)
    return message.content.toString()
  } finally {
    await channel.close()
  }
}

describe('freshPgDatabase', () => {
  it('gives a database of its own that answers queries and is gone after drop()', async () => {
    const db = await freshPgDatabase('services_spec')
    try {
      const [row] = await query<{ one: number; name: string }>(
        db.url,
        'select 1 as one, current_database() as name',
      )
      expect(row).toEqual({ one: 1, name: db.name })
    } finally {
      await db.drop()
    }
    const left = await query(pgUrl(), 'select 1 from pg_database where datname = $1', [db.name])
    expect(left).toHaveLength(0)
  })
})

describe('amqpUrl', () => {
  it('points at a broker that takes a message through a queue and gives it back', async () => {
    const connection = await connect(amqpUrl())
    const queue = uniqueName('queue')
    try {
      expect(await roundTrip(connection, queue, 'hello')).toBe('hello')
      const channel = await connection.createChannel()
      await channel.deleteQueue(queue)
      await channel.close()
    } finally {
      await connection.close()
    }
  })
})

// A broker boots in ~6 s alone, but several times slower on a loaded 2-core machine.
const BROKER_TIMEOUT_MS = 120_000

describe('restartBroker', () => {
  let broker: PrivateBroker

  beforeAll(async () => {
    broker = await startPrivateBroker()
  }, BROKER_TIMEOUT_MS)

  afterAll(async () => {
    await broker?.stop()
  })

  it(
    'brings the broker back with its durable queues and persistent messages',
    async () => {
      const queue = uniqueName('durable')
      const before = await connect(broker.url)
      const closed = new Promise<void>((resolve) => before.on('close', () => resolve()))
      before.on('error', () => {}) // the broker closes it with CONNECTION_FORCED: expected
      const channel = await before.createConfirmChannel()
      channel.on('error', () => {})
      await channel.assertQueue(queue, { durable: true })
      channel.sendToQueue(queue, Buffer.from('kept'), { persistent: true })
      await channel.waitForConfirms()

      await restartBroker(broker)
      await closed

      const after = await connect(broker.url)
      try {
        expect(await receiveOne(after, queue)).toBe('kept')
      } finally {
        await after.close()
      }
    },
    BROKER_TIMEOUT_MS,
  )
})
