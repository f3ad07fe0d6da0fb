/** Two Redis clients (two "instances") on one real redis-server for a store's tests: started, flushed before each test, stopped. */
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, beforeEach } from 'vitest'
import { createRedis, waitReady } from '../../src/redis/connection.js'
import { startRedis, type RedisServer } from './redis-server.js'

export interface TwoClients {
  readonly a: Redis
  readonly b: Redis
}

/** Registers the suite's hooks; read `a` and `b` inside tests (they exist once beforeAll ran). */
export function twoClientsOnOneRedis(names: [string, string]): TwoClients {
  let server: RedisServer | undefined
  const clients: { a?: Redis; b?: Redis } = {}
  beforeAll(async () => {
    server = await startRedis()
    clients.a = createRedis({ url: server.url, name: names[0] })
    clients.b = createRedis({ url: server.url, name: names[1] })
    await Promise.all([waitReady(clients.a, 5_000), waitReady(clients.b, 5_000)])
  })
  beforeEach(async () => {
    await clients.a!.flushdb()
  })
  afterAll(async () => {
    clients.a?.disconnect()
    clients.b?.disconnect()
    await server?.stop()
  })
  return {
    get a() {
      return clients.a!
    },
    get b() {
      return clients.b!
    },
  }
}
