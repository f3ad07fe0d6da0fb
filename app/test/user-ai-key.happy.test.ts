/** POST/GET/DELETE /api/playground/assistant/user-ai-key on the real server: a local KEK in memory, and Cloud KMS (fake gRPC, real client) with real Redis. */
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { redisKeyOf } from '../src/keys/key-store.js'
import { startFakeKms, type FakeKms } from './support/fake-kms.js'
import { startFakeOpenAi, type FakeOpenAi } from './support/fake-openai.js'
import { startRedis, type RedisServer } from './support/redis-server.js'
import { startTestServer, upstreamEnv, type TestServer } from './support/server.js'
import { LOCAL_KEK, TOKEN_A, USER_KEY_A, keyCall, userIdOf } from './support/user-keys.js'

const KMS_KEY = 'projects/demo/locations/global/keyRings/assistant/cryptoKeys/user-ai-keys'

let fake: FakeOpenAi
beforeAll(async () => {
  fake = await startFakeOpenAi({ acceptedKeys: ['sk-test-key-that-must-never-be-logged', USER_KEY_A] })
})
afterAll(() => fake.close())

const authEnv = () => upstreamEnv(fake.url, { AUTH_MODE: 'token', API_TOKENS: TOKEN_A, BYOK_MODELS: 'gpt-4o-mini,gpt-4o' })

describe('user-ai-key with a local key-encryption key (memory store)', () => {
  let srv: TestServer
  beforeAll(async () => {
    srv = await startTestServer({ ...authEnv(), BYOK_LOCAL_KEY: LOCAL_KEK })
  })
  afterAll(() => srv.close())

  it('store (201, verified upstream once with that key), read masked, delete (204), then 404', async () => {
    const listings = fake.modelListings.length
    const saved = await keyCall(srv, 'POST', TOKEN_A, { apiKey: USER_KEY_A })
    expect(saved.status).toBe(201)
    expect(saved.body).toMatchObject({ stored: true, masked: `sk-proj-…${USER_KEY_A.slice(-4)}`, models: ['gpt-4o-mini', 'gpt-4o'] })
    expect(fake.modelListings.slice(listings)).toEqual([{ authorization: `Bearer ${USER_KEY_A}` }])

    const read = await keyCall(srv, 'GET', TOKEN_A)
    expect(read.status).toBe(200)
    expect(read.body).toEqual({ stored: true, masked: `sk-proj-…${USER_KEY_A.slice(-4)}`, createdAt: (saved.body as { createdAt: string }).createdAt, models: ['gpt-4o-mini', 'gpt-4o'] })

    expect((await keyCall(srv, 'DELETE', TOKEN_A)).status).toBe(204)
    expect((await keyCall(srv, 'GET', TOKEN_A)).body).toEqual({ stored: false, models: ['gpt-4o-mini', 'gpt-4o'] })
    const again = await keyCall(srv, 'DELETE', TOKEN_A)
    expect(again.status).toBe(404)
    expect(again.body).toMatchObject({ code: 'not_found', reason: 'byok_no_key' })
  })

  it('storing again replaces the key', async () => {
    expect((await keyCall(srv, 'POST', TOKEN_A, { apiKey: USER_KEY_A })).status).toBe(201)
    expect((await keyCall(srv, 'POST', TOKEN_A, { apiKey: USER_KEY_A })).status).toBe(201)
    expect((await keyCall(srv, 'GET', TOKEN_A)).body).toMatchObject({ stored: true })
    expect((await keyCall(srv, 'DELETE', TOKEN_A)).status).toBe(204)
  })
})

describe('user-ai-key with Cloud KMS and Redis', () => {
  let kms: FakeKms
  let redis: RedisServer
  let client: Redis
  let srv: TestServer
  beforeAll(async () => {
    ;[kms, redis] = await Promise.all([startFakeKms([KMS_KEY]), startRedis()])
    client = new Redis(redis.url)
    srv = await startTestServer({ ...authEnv(), BYOK_KMS_KEY_NAME: KMS_KEY, BYOK_KMS_ENDPOINT: kms.endpoint, REDIS_URL: redis.url })
  })
  afterAll(async () => {
    await srv.close()
    client.disconnect()
    await Promise.all([kms.close(), redis.stop()])
  })

  it('seals through KMS into Redis, reads it back on a second instance, and deletes it', async () => {
    expect((await keyCall(srv, 'POST', TOKEN_A, { apiKey: USER_KEY_A })).status).toBe(201)
    expect(kms.calls.filter((c) => c.method === 'encrypt')).toHaveLength(1)
    const stored = await client.get(redisKeyOf(userIdOf(TOKEN_A)))
    expect(JSON.parse(stored!)).toMatchObject({ v: 1, kek: KMS_KEY })

    const second = await startTestServer({ ...authEnv(), BYOK_KMS_KEY_NAME: KMS_KEY, BYOK_KMS_ENDPOINT: kms.endpoint, REDIS_URL: redis.url })
    try {
      expect((await keyCall(second, 'GET', TOKEN_A)).body).toMatchObject({ stored: true, masked: `sk-proj-…${USER_KEY_A.slice(-4)}` })
      expect((await keyCall(second, 'DELETE', TOKEN_A)).status).toBe(204)
    } finally {
      await second.close()
    }
    expect(await client.exists(redisKeyOf(userIdOf(TOKEN_A)))).toBe(0)
  })
})
