/**
 * Hostile use of users' own keys on the real server with Cloud KMS (fake gRPC, real client) and real Redis:
 * another user can never read, delete or open a key (not even by replaying the sealed record under their
 * own id), the plaintext key appears nowhere (logs, every Redis value, metrics, error bodies), and a KMS
 * outage refuses BYOK while operator-key chats keep working.
 */
import { Redis } from 'ioredis'
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createByok, type Byok } from '../src/keys/byok.js'
import { redisKeyOf } from '../src/keys/key-store.js'
import { UserKeyError } from '../src/keys/user-keys.js'
import { startFakeKms, type FakeKms } from './support/fake-kms.js'
import { startFakeOpenAi, type FakeOpenAi } from './support/fake-openai.js'
import { startRedis, type RedisServer } from './support/redis-server.js'
import { startTestServer, upstreamEnv, type TestServer } from './support/server.js'
import { collectSse, postChat } from './support/sse-client.js'
import { TOKEN_A, TOKEN_B, USER_KEY_A, USER_KEY_B, keyCall, userIdOf } from './support/user-keys.js'

const KMS_KEY = 'projects/demo/locations/global/keyRings/assistant/cryptoKeys/user-ai-keys'
const OPERATOR_KEY = 'sk-test-key-that-must-never-be-logged'

let fake: FakeOpenAi
let kms: FakeKms
let redis: RedisServer
let client: Redis
let srv: TestServer
/** The server's own BYOK assembly on the same KMS and Redis: what the answer service is handed per answer. */
let byok: Byok

const env = () =>
  upstreamEnv(fake.url, {
    AUTH_MODE: 'token',
    API_TOKENS: `${TOKEN_A},${TOKEN_B}`,
    BYOK_KMS_KEY_NAME: KMS_KEY,
    BYOK_KMS_ENDPOINT: kms.endpoint,
    BYOK_KMS_TIMEOUT_MS: '800',
    BYOK_MODELS: 'gpt-4o-mini',
    REDIS_URL: redis.url,
  })

beforeAll(async () => {
  ;[fake, kms, redis] = await Promise.all([startFakeOpenAi({ chunkDelayMs: 0, acceptedKeys: [OPERATOR_KEY, USER_KEY_A, USER_KEY_B] }), startFakeKms([KMS_KEY]), startRedis()])
  client = new Redis(redis.url)
  srv = await startTestServer(env())
  byok = (await createByok(srv.config, { redis: client }))!
})
afterAll(async () => {
  await srv.close()
  await byok.close()
  client.disconnect()
  await Promise.all([fake.close(), kms.close(), redis.stop()])
})

/** A native SSE chat; the JSON error when it is refused before the stream. */
async function chat(token: string, body: Record<string, unknown>): Promise<{ status: number; body: unknown; text: string }> {
  const response = await postChat(srv.http, body, { authorization: `Bearer ${token}` })
  if (response.headers.get('content-type')?.startsWith('application/json')) {
    const text = await response.text()
    return { status: response.status, body: JSON.parse(text) as unknown, text }
  }
  const frames = (await collectSse(response)).map((e) => e.frame)
  return { status: response.status, body: frames.at(-1), text: JSON.stringify(frames) }
}

async function userKeyError(promise: Promise<unknown>): Promise<UserKeyError> {
  const error = await promise.then(() => undefined, (e: unknown) => e)
  expect(error).toBeInstanceOf(UserKeyError)
  return error as UserKeyError
}

/** Every value in Redis, whatever its type, as text. */
async function everyRedisValue(): Promise<string> {
  const out: string[] = []
  let cursor = '0'
  do {
    const [next, keys] = await client.scan(cursor, 'COUNT', 200)
    cursor = next
    for (const key of keys) {
      const type = await client.type(key)
      if (type === 'string') out.push((await client.get(key)) ?? '')
      else if (type === 'list') out.push(...(await client.lrange(key, 0, -1)))
      else if (type === 'hash') out.push(JSON.stringify(await client.hgetall(key)))
      else if (type === 'set') out.push(...(await client.smembers(key)))
      else if (type === 'zset') out.push(...(await client.zrange(key, '0', '-1')))
      else if (type === 'stream') out.push(JSON.stringify(await client.xrange(key, '-', '+')))
      out.push(key)
    }
  } while (cursor !== '0')
  return out.join('\n')
}

describe("another user and A's key", () => {
  beforeAll(async () => {
    expect((await keyCall(srv, 'POST', TOKEN_A, { apiKey: USER_KEY_A })).status).toBe(201)
  })

  it('B reads nothing, deletes nothing, chats on no key, and A keeps the key', async () => {
    const refused = await chat(TOKEN_B, { content: 'B asks with a custom key', useCustomKey: true })
    expect(refused).toMatchObject({ status: 404, body: { code: 'not_found' } })
    expect((await keyCall(srv, 'GET', TOKEN_B)).body).toMatchObject({ stored: false })
    expect((await keyCall(srv, 'DELETE', TOKEN_B)).status).toBe(404)
    expect((await keyCall(srv, 'GET', TOKEN_A)).body).toMatchObject({ stored: true })
    await expect(userKeyError(byok.clientFor(userIdOf(TOKEN_B), undefined))).resolves.toMatchObject({ code: 'byok_no_key' })
  })

  it("A's sealed record replayed under B's id does not open: B gets no client, no key, no answer", async () => {
    const record = await client.get(redisKeyOf(userIdOf(TOKEN_A)))
    await client.set(redisKeyOf(userIdOf(TOKEN_B)), record!)
    try {
      const before = fake.requests.length
      const refused = await chat(TOKEN_B, { content: "B tries A's replayed key", useCustomKey: true })
      expect(refused.status).toBe(400)
      expect(refused.body).toMatchObject({ code: 'invalid_message', error: 'The stored key cannot be opened for your account; store it again' })
      expect(fake.requests.length).toBe(before)
      const error = await userKeyError(byok.clientFor(userIdOf(TOKEN_B), undefined))
      expect(error.code).toBe('byok_key_unreadable')
      expect(error.status).toBe(409)
      expect(error.message).not.toContain(USER_KEY_A)
      // A's own record still opens for A.
      expect((await byok.clientFor(userIdOf(TOKEN_A), 'gpt-4o-mini')).model).toBe('gpt-4o-mini')
    } finally {
      await client.del(redisKeyOf(userIdOf(TOKEN_B)))
    }
  })

  it("a client on A's key sends A's key, and a model outside BYOK_MODELS is refused", async () => {
    const llm = await byok.clientFor(userIdOf(TOKEN_A), undefined)
    await llm.stream([{ role: 'user', content: 'Using my own key' }], { signal: new AbortController().signal, onDelta: () => {} })
    expect(fake.requests.at(-1)).toMatchObject({ authorization: `Bearer ${USER_KEY_A}`, model: 'gpt-4o-mini' })
    const refused = await userKeyError(byok.clientFor(userIdOf(TOKEN_A), 'gpt-4o'))
    expect(refused).toMatchObject({ code: 'byok_model_not_allowed', status: 400 })
    expect(refused.message).toMatch(/choose one of gpt-4o-mini/)
  })
})

describe('no plaintext key anywhere', () => {
  it('not in Redis (every value scanned), logs, metrics or error bodies', async () => {
    expect((await keyCall(srv, 'POST', TOKEN_B, { apiKey: USER_KEY_B })).status).toBe(201)
    const refused = await keyCall(srv, 'POST', TOKEN_B, { apiKey: 'sk-proj-WrongKeyForUserB_000000000000000' })
    expect(refused.status).toBe(400)
    const metrics = await (await fetch(`${srv.http}/metrics`)).text()
    const redisText = await everyRedisValue()
    expect(redisText).toContain('user-ai-key') // the scan saw the sealed records
    const haystacks = { redis: redisText, logs: srv.rawLogs.join('\n'), metrics, error: refused.text }
    for (const key of [USER_KEY_A, USER_KEY_B, 'sk-proj-WrongKeyForUserB_000000000000000']) {
      // The whole key, and its secret middle (what is left after the masked form's prefix and last four).
      for (const needle of [key, key.slice(8, -4)]) {
        for (const [where, text] of Object.entries(haystacks)) expect(text.includes(needle), `${where} holds a user key`).toBe(false)
      }
    }
  })
})

describe('a KMS outage', () => {
  it('refuses BYOK with a clear 503 while operator-key chats keep answering', async () => {
    kms.outage()
    try {
      const store = await keyCall(srv, 'POST', TOKEN_A, { apiKey: USER_KEY_A })
      expect(store.status).toBe(503)
      expect(store.body).toMatchObject({ reason: 'byok_kms_unavailable' })
      const use = await userKeyError(byok.clientFor(userIdOf(TOKEN_A), undefined))
      expect(use).toMatchObject({ code: 'byok_kms_unavailable', status: 503 })
      expect(use.message).toMatch(/chat without useCustomKey/)

      const byokChat = await chat(TOKEN_A, { content: 'Own key during a KMS outage', useCustomKey: true })
      expect(byokChat.status).toBe(503)
      expect(byokChat.body).toMatchObject({ code: 'unavailable', error: expect.stringMatching(/Cloud KMS\) is unreachable/) as unknown })

      const sdk = new OpenAI({ baseURL: `${srv.http}/v1`, apiKey: TOKEN_A, maxRetries: 0 })
      const result = await sdk.chat.completions.create({ model: 'hedera-assistant', messages: [{ role: 'user', content: 'Operator key during a KMS outage' }] })
      expect(result.choices[0]!.message.content).toBe(fake.answerFor('Operator key during a KMS outage'))
      expect(fake.requests.at(-1)!.authorization).toBe(`Bearer ${OPERATOR_KEY}`)
    } finally {
      kms.restore()
    }
    expect((await byok.clientFor(userIdOf(TOKEN_A), undefined)).model).toBe('gpt-4o-mini')
  })
})
