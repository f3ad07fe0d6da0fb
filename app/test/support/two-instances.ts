/** Two server instances sharing one real redis-server and one fake upstream: the setup of the cross-instance tests. */
import { startFakeOpenAi, type FakeOpenAi } from './fake-openai.js'
import { startRedis, type RedisServer } from './redis-server.js'
import { startTestServer, upstreamEnv, type TestServer } from './server.js'

export interface TwoInstances {
  fake: FakeOpenAi
  redis: RedisServer
  a: TestServer
  b: TestServer
  close(): Promise<void>
}

export async function startTwoInstances(env: Record<string, string>): Promise<TwoInstances> {
  const fake = await startFakeOpenAi()
  const redis = await startRedis()
  const shared = upstreamEnv(fake.url, { REDIS_URL: redis.url, ...env })
  const [a, b] = await Promise.all([startTestServer(shared), startTestServer(shared)])
  return {
    fake,
    redis,
    a,
    b,
    async close() {
      await Promise.all([a.close(), b.close()])
      await redis.stop()
      await fake.close()
    },
  }
}
