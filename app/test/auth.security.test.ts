import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeOpenAi, type FakeOpenAi } from './support/fake-openai.js'
import { postChat } from './support/sse-client.js'
import { startTestServer, upstreamEnv, type TestServer } from './support/server.js'
import { connect, upgradeStatus } from './support/ws-client.js'

const HS_SECRET = 'a-test-hs256-secret-that-is-long-enough-for-jose'
const API_TOKEN = 'tok_live_0123456789abcdef'

let fake: FakeOpenAi
beforeAll(async () => {
  fake = await startFakeOpenAi()
})
afterAll(async () => {
  await fake.close()
})

function hs256(claims: Record<string, unknown>, expiresIn: string | number = '1h', secret = HS_SECRET) {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime(expiresIn).sign(new TextEncoder().encode(secret))
}

describe('AUTH_MODE=token', () => {
  let srv: TestServer
  beforeAll(async () => {
    srv = await startTestServer(upstreamEnv(fake.url, { AUTH_MODE: 'token', API_TOKENS: `${API_TOKEN},tok_other_0123456789abcdef` }))
  })
  afterAll(() => srv.close())

  it('accepts a good token as a Bearer header, a subprotocol entry, or ?token=', async () => {
    expect(await upgradeStatus(srv.ws, { headers: { authorization: `Bearer ${API_TOKEN}` } })).toBe(101)
    const viaProtocol = await connect(srv.ws, { protocols: ['bearer', API_TOKEN] })
    expect(viaProtocol.ws.protocol).toBe('bearer') // the token is never echoed back
    viaProtocol.send({ type: 'chat', content: 'authed', messageId: 'tok-1' })
    expect((await viaProtocol.answer('tok-1')).at(-1)!.type).toBe('chat_complete')
    viaProtocol.close()
    expect(await upgradeStatus(`${srv.ws}?token=${API_TOKEN}`)).toBe(101)
  })

  it('refuses a missing or wrong token with 401 before the upgrade', async () => {
    expect(await upgradeStatus(srv.ws)).toBe(401)
    expect(await upgradeStatus(srv.ws, { headers: { authorization: 'Bearer tok_wrong_0123456789abcdef' } })).toBe(401)
    expect(await upgradeStatus(srv.ws, { protocols: ['bearer', 'nope'] })).toBe(401)
    expect(srv.server.connections.size).toBe(0)
  })

  it('guards the SSE chat and stats endpoints the same way', async () => {
    const refused = await postChat(srv.http, { content: 'hi' })
    expect(refused.status).toBe(401)
    expect(refused.headers.get('www-authenticate')).toBe('Bearer')
    expect(((await refused.json()) as { code: string }).code).toBe('unauthorized')
    const ok = await postChat(srv.http, { content: 'hi' }, { authorization: `Bearer ${API_TOKEN}` })
    expect(ok.status).toBe(200)
    await ok.text()
    expect((await fetch(`${srv.http}/api/stats`)).status).toBe(401)
    expect((await fetch(`${srv.http}/api/stats`, { headers: { authorization: `Bearer ${API_TOKEN}` } })).status).toBe(200)
    expect((await fetch(`${srv.http}/health`)).status).toBe(200) // probes need no credential
  })

  it('never logs a token', () => {
    expect(srv.rawLogs.join('\n')).not.toContain(API_TOKEN)
  })
})

describe('AUTH_MODE=jwt with an HS256 secret', () => {
  let srv: TestServer
  beforeAll(async () => {
    srv = await startTestServer(upstreamEnv(fake.url, { AUTH_MODE: 'jwt', JWT_SECRET: HS_SECRET, JWT_ISSUER: 'https://issuer.test', JWT_AUDIENCE: 'playground' }))
  })
  afterAll(() => srv.close())
  const good = { sub: 'alice', iss: 'https://issuer.test', aud: 'playground' }

  it('accepts a good token and uses sub as the user', async () => {
    const socket = await connect(srv.ws, { headers: { authorization: `Bearer ${await hs256(good)}` } })
    socket.send({ type: 'chat', content: 'who am i', messageId: 'jwt-1' })
    await socket.answer('jwt-1')
    expect(srv.server.connections.all()[0]!.userId).toBe('alice')
    expect(srv.logs.find((l) => l.event === 'answer' && l.messageId === 'jwt-1')).toMatchObject({ userId: 'alice' })
    socket.close()
  })

  it('refuses expired, wrong-audience, wrong-issuer, wrong-signature, sub-less and malformed tokens before the upgrade', async () => {
    const bad = [
      await hs256(good, Math.floor(Date.now() / 1000) - 60),
      await hs256({ ...good, aud: 'another-app' }),
      await hs256({ ...good, iss: 'https://evil.test' }),
      await hs256(good, '1h', 'a-different-secret-that-is-long-enough-too!!'),
      await hs256({ iss: good.iss, aud: good.aud }),
      'not.a.jwt',
    ]
    for (const token of bad) expect(await upgradeStatus(srv.ws, { headers: { authorization: `Bearer ${token}` } })).toBe(401)
    const res = await postChat(srv.http, { content: 'hi' }, { authorization: `Bearer ${bad[0]}` })
    expect(((await res.json()) as { error: string }).error).toBe('The token has expired')
  })

  it('closes an open socket with 4001 when its token expires', async () => {
    const token = await hs256(good, Math.floor(Date.now() / 1000) + 2)
    const socket = await connect(srv.ws, { protocols: ['bearer', token] })
    const started = Date.now()
    const { code } = await socket.closed
    expect(code).toBe(4001)
    expect(Date.now() - started).toBeGreaterThan(500)
  })
})

describe('AUTH_MODE=jwt with a JWKS URL (any OIDC issuer)', () => {
  let srv: TestServer
  let jwks: Server
  let sign: (claims: Record<string, unknown>) => Promise<string>
  let signWithStranger: (claims: Record<string, unknown>) => Promise<string>

  beforeAll(async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256')
    const stranger = await generateKeyPair('RS256')
    const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }
    jwks = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })))
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r))
    const url = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`
    const make = (key: Parameters<SignJWT['sign']>[0]) => (claims: Record<string, unknown>) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuedAt().setExpirationTime('1h').sign(key)
    sign = make(privateKey)
    signWithStranger = make(stranger.privateKey)
    srv = await startTestServer(upstreamEnv(fake.url, { AUTH_MODE: 'jwt', JWT_JWKS_URL: url, JWT_ISSUER: 'https://securetoken.test/p', JWT_AUDIENCE: 'p' }))
  })
  afterAll(async () => {
    await srv.close()
    jwks.close()
  })

  it('accepts a token signed by a key of the JWKS and refuses others before the upgrade', async () => {
    const claims = { sub: 'bob', iss: 'https://securetoken.test/p', aud: 'p' }
    expect(await upgradeStatus(srv.ws, { headers: { authorization: `Bearer ${await sign(claims)}` } })).toBe(101)
    expect(await upgradeStatus(srv.ws, { headers: { authorization: `Bearer ${await signWithStranger(claims)}` } })).toBe(401)
    expect(await upgradeStatus(srv.ws, { headers: { authorization: `Bearer ${await sign({ ...claims, aud: 'other' })}` } })).toBe(401)
    expect(await upgradeStatus(srv.ws, { headers: { authorization: `Bearer ${await hs256(claims)}` } })).toBe(401) // HS256 not accepted with a JWKS
  })
})

describe('ADMIN_TOKEN and METRICS_TOKEN', () => {
  it('guard /api/stats and /metrics, with 401 without them', async () => {
    const admin = 'admin-token-0123456789'
    const metricsToken = 'metrics-token-0123456789'
    const srv = await startTestServer({ ADMIN_TOKEN: admin, METRICS_TOKEN: metricsToken })
    expect((await fetch(`${srv.http}/api/stats`)).status).toBe(401)
    expect((await fetch(`${srv.http}/api/stats`, { headers: { authorization: 'Bearer admin-token-wrong-0000' } })).status).toBe(401)
    expect((await fetch(`${srv.http}/api/stats`, { headers: { authorization: `Bearer ${admin}` } })).status).toBe(200)
    expect((await fetch(`${srv.http}/metrics`)).status).toBe(401)
    expect((await fetch(`${srv.http}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })).status).toBe(200)
    expect(srv.rawLogs.join('\n')).not.toContain(admin)
    await srv.close()
  })

  it('METRICS_PORT serves /metrics on its own port and not on the public one', async () => {
    const srv = await startTestServer({ METRICS_PORT: '0' })
    expect((await fetch(`${srv.http}/metrics`)).status).toBe(200) // 0 = on the main port
    await srv.close()
    const separate = await startTestServer({ METRICS_PORT: String(20000 + Math.floor(Math.random() * 20000)) })
    expect((await fetch(`${separate.http}/metrics`)).status).toBe(404)
    const res = await fetch(`http://127.0.0.1:${separate.server.metricsPort}/metrics`)
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('assistant_open_sockets')
    await separate.close()
  })
})
