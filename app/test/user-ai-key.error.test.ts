/** Bad input and failing parts on the user-ai-key endpoints: each a clear 4xx/503 JSON error, nothing stored half-way. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeKms, type FakeKms } from './support/fake-kms.js'
import { startFakeOpenAi, type FakeOpenAi } from './support/fake-openai.js'
import { startTestServer, upstreamEnv, type TestServer } from './support/server.js'
import { KEY_PATH, LOCAL_KEK, TOKEN_A, USER_KEY_A, keyCall } from './support/user-keys.js'

const KMS_KEY = 'projects/demo/locations/global/keyRings/assistant/cryptoKeys/user-ai-keys'
const REFUSED_KEY = 'sk-proj-NotAKeyOpenAIKnows_0123456789abcd'

let fake: FakeOpenAi
beforeAll(async () => {
  fake = await startFakeOpenAi({ acceptedKeys: ['sk-test-key-that-must-never-be-logged', USER_KEY_A] })
})
afterAll(() => fake.close())

/** An asymmetric matcher, typed so lint sees no `any`. */
const matching = (pattern: RegExp): unknown => expect.stringMatching(pattern)

const authEnv = (extra: Record<string, string> = {}) => upstreamEnv(fake.url, { AUTH_MODE: 'token', API_TOKENS: TOKEN_A, ...extra })

describe('who may call', () => {
  it('401 without a credential, and 401 naming the need for a signed-in user when the server is anonymous', async () => {
    const authed = await startTestServer(authEnv({ BYOK_LOCAL_KEY: LOCAL_KEK }))
    const open = await startTestServer(upstreamEnv(fake.url, { BYOK_LOCAL_KEY: LOCAL_KEK }))
    try {
      for (const method of ['POST', 'GET', 'DELETE'] as const) {
        const none = await keyCall(authed, method, undefined, method === 'POST' ? { apiKey: USER_KEY_A } : undefined)
        expect(none.status).toBe(401)
        expect(none.body).toMatchObject({ code: 'unauthorized' })
        const anonymous = await keyCall(open, method, undefined, method === 'POST' ? { apiKey: USER_KEY_A } : undefined)
        expect(anonymous.status).toBe(401)
        expect(anonymous.body).toMatchObject({ code: 'unauthorized', error: matching(/signed-in user/) })
      }
    } finally {
      await Promise.all([authed.close(), open.close()])
    }
  })

  it('404 byok_disabled naming the settings when no key-encryption key is configured', async () => {
    const srv = await startTestServer(authEnv())
    try {
      const response = await keyCall(srv, 'GET', TOKEN_A)
      expect(response.status).toBe(404)
      expect(response.body).toMatchObject({ code: 'not_found', reason: 'byok_disabled', error: matching(/BYOK_KMS_KEY_NAME or BYOK_LOCAL_KEY/) })
    } finally {
      await srv.close()
    }
  })
})

describe('bad keys and bodies', () => {
  let srv: TestServer
  beforeAll(async () => {
    srv = await startTestServer(authEnv({ BYOK_LOCAL_KEY: LOCAL_KEK }))
  })
  afterAll(() => srv.close())

  it.each([
    ['not JSON', '{apiKey:', /JSON body \{"apiKey":"sk-\.\.\."\}/],
    ['no apiKey', { key: USER_KEY_A }, /JSON body \{"apiKey":"sk-\.\.\."\}/],
    ['a number', { apiKey: 42 }, /apiKey must be a string/],
    ['too short', { apiKey: 'sk-short' }, /apiKey must be 20-512 characters \(got 8\)/],
    ['too long', { apiKey: `sk-${'a'.repeat(600)}` }, /apiKey must be 20-512 characters \(got 603\)/],
    ['not an OpenAI key', { apiKey: 'AKIAIOSFODNN7EXAMPLE0123' }, /apiKey must start with "sk-"/],
    ['a line break inside', { apiKey: `${USER_KEY_A}\n` }, /remove spaces or line breaks/],
  ])('%s: 400 byok_key_invalid naming apiKey; no upstream call, nothing stored', async (_name, body, message) => {
    const listings = fake.modelListings.length
    const response = await keyCall(srv, 'POST', TOKEN_A, body)
    expect(response.status).toBe(400)
    expect(response.body).toMatchObject({ type: 'error', code: 'invalid_message', reason: 'byok_key_invalid', error: matching(message) })
    expect(response.text).not.toContain(USER_KEY_A)
    expect(fake.modelListings.length).toBe(listings)
    expect((await keyCall(srv, 'GET', TOKEN_A)).body).toMatchObject({ stored: false })
  })

  it('a key OpenAI refuses: 400 byok_key_refused without any part of the key or of the upstream message; nothing stored', async () => {
    const response = await keyCall(srv, 'POST', TOKEN_A, { apiKey: REFUSED_KEY })
    expect(response.status).toBe(400)
    expect(response.body).toMatchObject({ reason: 'byok_key_refused', error: matching(/OpenAI refused this key \(HTTP 401\)/) })
    expect(response.text).not.toContain(REFUSED_KEY.slice(0, 8))
    expect(response.text).not.toContain(REFUSED_KEY.slice(-4))
    expect((await keyCall(srv, 'GET', TOKEN_A)).body).toMatchObject({ stored: false })
  })

  it('a body over the limit: 413 before anything reads it', async () => {
    const response = await fetch(`${srv.http}${KEY_PATH}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN_A}`, 'content-type': 'application/json' },
      body: JSON.stringify({ apiKey: `sk-${'a'.repeat(2 * 1024 * 1024)}` }),
    })
    expect(response.status).toBe(413)
  })
})

describe('failing parts', () => {
  it('OpenAI unreachable while checking: 503 byok_verify_unavailable, nothing stored', async () => {
    const srv = await startTestServer(upstreamEnv('http://127.0.0.1:9/v1', { AUTH_MODE: 'token', API_TOKENS: TOKEN_A, BYOK_LOCAL_KEY: LOCAL_KEK }))
    try {
      const response = await keyCall(srv, 'POST', TOKEN_A, { apiKey: USER_KEY_A })
      expect(response.status).toBe(503)
      expect(response.body).toMatchObject({ code: 'unavailable', reason: 'byok_verify_unavailable' })
      expect((await keyCall(srv, 'GET', TOKEN_A)).body).toMatchObject({ stored: false })
    } finally {
      await srv.close()
    }
  })

  describe('Cloud KMS', () => {
    let kms: FakeKms
    let srv: TestServer
    beforeAll(async () => {
      kms = await startFakeKms([KMS_KEY])
      srv = await startTestServer(authEnv({ BYOK_KMS_KEY_NAME: KMS_KEY, BYOK_KMS_ENDPOINT: kms.endpoint, BYOK_KMS_TIMEOUT_MS: '800' }))
    })
    afterAll(async () => {
      await srv.close()
      await kms.close()
    })

    it('KMS down while storing: 503 byok_kms_unavailable, nothing stored; it works again once KMS is back', async () => {
      kms.outage()
      try {
        const response = await keyCall(srv, 'POST', TOKEN_A, { apiKey: USER_KEY_A })
        expect(response.status).toBe(503)
        expect(response.body).toMatchObject({ code: 'unavailable', reason: 'byok_kms_unavailable', error: matching(/Cloud KMS/) })
        expect((await keyCall(srv, 'GET', TOKEN_A)).body).toMatchObject({ stored: false })
      } finally {
        kms.restore()
      }
      expect((await keyCall(srv, 'POST', TOKEN_A, { apiKey: USER_KEY_A })).status).toBe(201)
      expect((await keyCall(srv, 'DELETE', TOKEN_A)).status).toBe(204)
    })

    it('the service account lacks the KMS permission: 503 byok_kms_denied naming the role', async () => {
      kms.deny()
      try {
        const response = await keyCall(srv, 'POST', TOKEN_A, { apiKey: USER_KEY_A })
        expect(response.status).toBe(503)
        expect(response.body).toMatchObject({ reason: 'byok_kms_denied', error: matching(/roles\/cloudkms\.cryptoKeyEncrypterDecrypter/) })
      } finally {
        kms.restore()
      }
    })
  })
})
