import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeOpenAi, type FakeOpenAi } from './support/fake-openai.js'
import { startFakeSecretManager } from './support/fake-secret-manager.js'
import { runToFailure, startProcess, startRefusal } from './support/process.js'
import { connect, deltaText } from './support/ws-client.js'

let fake: FakeOpenAi
beforeAll(async () => {
  fake = await startFakeOpenAi()
})
afterAll(async () => {
  await fake.close()
})

const upstream = () => ({ OPENAI_API_KEY: 'sk-process-test-key', OPENAI_BASE_URL: fake.url, RESUME_GRACE_MS: '0' })

describe('configuration is validated once at start', () => {
  const bad: [Record<string, string>, RegExp][] = [
    [{ PORT: 'abc' }, /PORT must be a whole number between 0 and 65535 \(got "abc"\)/],
    [{ OPENAI_TEMPERATURE: '3' }, /OPENAI_TEMPERATURE must be at most 2/],
    [{ AUTH_MODE: 'basic' }, /AUTH_MODE must be one of none, token, jwt/],
    [{ LOG_CONTENT: 'maybe' }, /LOG_CONTENT must be true or false/],
    [{ CORS_ORIGINS: 'app.example.com/path' }, /CORS_ORIGINS must be a comma-separated list of origins/],
    [{ OPENAI_API_KEY_SECRET: 'my-secret' }, /OPENAI_API_KEY_SECRET must look like projects\/PROJECT\/secrets\/NAME\/versions\/VERSION/],
    [{ OPENAI_API_KEY: 'sk-a', OPENAI_API_KEY_SECRET: 'projects/p/secrets/s/versions/1' }, /set either OPENAI_API_KEY or OPENAI_API_KEY_SECRET, not both/],
    [{ SYSTEM_PROMPT_FILE: '/nonexistent/prompt.txt' }, /SYSTEM_PROMPT_FILE \/nonexistent\/prompt.txt cannot be read \(ENOENT\)/],
    [{ AUTH_MODE: 'token' }, /AUTH_MODE=token needs API_TOKENS/],
  ]
  for (const [env, message] of bad) {
    it(`refuses ${JSON.stringify(env)} with one line naming the variable`, async () => {
      expect(await startRefusal(env)).toMatch(message)
    })
  }

  it('never echoes a secret value in a config error', async () => {
    const { stderr } = await runToFailure({ OPENAI_API_KEY: 'sk-do-not-print', OPENAI_API_KEY_SECRET: 'projects/p/secrets/s/versions/1' })
    expect(stderr).not.toContain('sk-do-not-print')
  })
})

describe('graceful shutdown on SIGTERM', () => {
  it('readiness goes 503 (liveness stays 200), no new sockets, the answer in flight finishes, sockets close with 1012, exit 0', async () => {
    const server = await startProcess({ ...upstream(), SHUTDOWN_GRACE_MS: '5000' })
    const socket = await connect(server.ws)
    const question = '[[delay:40]] [[words:25]] finish me'
    socket.send({ type: 'chat', content: question, messageId: 'g-1' })
    await socket.next((f) => f.type === 'chat_delta')
    server.child.kill('SIGTERM')
    await expect.poll(async () => (await fetch(`${server.http}/api/playground/assistant/health`)).status).toBe(503)
    // Liveness stays 200 while draining: a liveness probe must not restart a pod that is finishing answers.
    const live = await fetch(`${server.http}/health`)
    expect(live.status).toBe(200)
    expect(await live.json()).toMatchObject({ status: 'shutting_down' })
    await expect(connect(server.ws)).rejects.toMatchObject({ status: 503 })
    socket.send({ type: 'chat', content: 'too late', messageId: 'g-2', conversationId: 'other' })
    expect(await socket.next((f) => f.messageId === 'g-2')).toMatchObject({ type: 'error', code: 'shutting_down' })
    const frames = await socket.answer('g-1')
    expect(deltaText(frames)).toBe(fake.answerFor(question))
    expect(frames.at(-1)).toMatchObject({ type: 'chat_complete', metadata: { finishReason: 'stop' } })
    expect((await socket.closed).code).toBe(1012)
    expect(await server.exited).toEqual({ code: 0, signal: null })
  })

  it('an answer longer than SHUTDOWN_GRACE_MS is cancelled at the deadline, then 1012 and exit 0', async () => {
    const server = await startProcess({ ...upstream(), SHUTDOWN_GRACE_MS: '300' })
    const socket = await connect(server.ws)
    socket.send({ type: 'chat', content: '[[delay:50]] [[words:200]] too long', messageId: 'g-3' })
    await socket.next((f) => f.type === 'chat_delta')
    const started = Date.now()
    server.child.kill('SIGTERM')
    const frames = await socket.answer('g-3')
    expect(frames.at(-1)).toMatchObject({ type: 'chat_complete', metadata: { finishReason: 'cancelled' } })
    expect((await socket.closed).code).toBe(1012)
    expect((await server.exited).code).toBe(0)
    expect(Date.now() - started).toBeLessThan(5000)
  })

  it('SIGINT does the same', async () => {
    const server = await startProcess(upstream())
    server.child.kill('SIGINT')
    expect((await server.exited).code).toBe(0)
  })
})

describe('the OpenAI key from Secret Manager (a real gRPC server answering AccessSecretVersion)', () => {
  const version = 'projects/demo/secrets/OPENAI_API_KEY/versions/latest'

  it('reads the key once at start, uses it upstream, and never logs it', async () => {
    const secrets = await startFakeSecretManager({ [version]: 'sk-from-secret-manager\n' })
    const server = await startProcess({ OPENAI_BASE_URL: fake.url, OPENAI_API_KEY_SECRET: version, SECRET_MANAGER_ENDPOINT: `127.0.0.1:${secrets.port}` })
    const socket = await connect(server.ws)
    socket.send({ type: 'chat', content: 'key check', messageId: 'sm-1' })
    expect((await socket.answer('sm-1')).at(-1)!.type).toBe('chat_complete')
    const request = fake.requests.find((r) => r.messages.at(-1)?.content === 'key check')!
    expect(request.authorization).toBe('Bearer sk-from-secret-manager')
    expect(secrets.calls).toEqual([version])
    socket.close()
    server.child.kill('SIGTERM')
    await server.exited
    expect(server.stdout.join('\n')).not.toContain('sk-from-secret-manager')
    await secrets.close()
  })

  it('reads the API tokens of AUTH_MODE=token the same way', async () => {
    const tokens = 'projects/demo/secrets/API_TOKENS/versions/3'
    const secrets = await startFakeSecretManager({ [tokens]: 'tok_from_secret_manager_01,tok_second_one_0123456' })
    const server = await startProcess({ AUTH_MODE: 'token', API_TOKENS_SECRET: tokens, SECRET_MANAGER_ENDPOINT: `127.0.0.1:${secrets.port}` })
    expect((await fetch(`${server.http}/api/stats`, { headers: { authorization: 'Bearer tok_second_one_0123456' } })).status).toBe(200)
    expect((await fetch(`${server.http}/api/stats`, { headers: { authorization: 'Bearer tok_not_a_real_one_00000' } })).status).toBe(401)
    expect(secrets.calls).toEqual([tokens])
    server.child.kill('SIGTERM')
    await server.exited
    expect(server.stdout.join('\n')).not.toContain('tok_from_secret_manager_01')
    await secrets.close()
  })

  it('stops the process with one clear line when the secret cannot be read', async () => {
    const secrets = await startFakeSecretManager({})
    const { code, stderr } = await runToFailure({ OPENAI_API_KEY_SECRET: version, SECRET_MANAGER_ENDPOINT: `127.0.0.1:${secrets.port}` })
    expect(code).toBe(1)
    const lines = stderr.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect((JSON.parse(lines[0]!) as { message: string }).message).toMatch(/OPENAI_API_KEY_SECRET.*projects\/demo\/secrets\/OPENAI_API_KEY\/versions\/latest/)
    await secrets.close()
  })
})
