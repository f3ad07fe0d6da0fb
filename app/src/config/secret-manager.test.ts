import net from 'node:net'
import { GoogleAuth } from 'google-auth-library'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { startFakeSecretManager, type FakeSecretManager } from '../../test/support/fake-secret-manager.js'
import { readSecretVersions, SecretReadError, type SecretReaderOptions } from './secret-manager.js'

const KEY_VERSION = 'projects/demo/secrets/openai-api-key/versions/latest'
const TOKENS_VERSION = 'projects/demo/secrets/api-tokens/versions/3'
const KEY_VALUE = 'sk-test-VALUE-0123456789abcdef'
const TOKENS_VALUE = 'tok-alpha,tok-beta'

let fake: FakeSecretManager | undefined

async function start(secrets: Record<string, string>, opts?: Parameters<typeof startFakeSecretManager>[1]) {
  fake = await startFakeSecretManager(secrets, opts)
  return fake
}

function local(port: number, extra: Partial<SecretReaderOptions> = {}): SecretReaderOptions {
  return { apiEndpoint: '127.0.0.1', port, insecure: true, timeoutMs: 3_000, ...extra }
}

async function readError(promise: Promise<unknown>): Promise<SecretReadError> {
  try {
    await promise
  } catch (err) {
    expect(err).toBeInstanceOf(SecretReadError)
    return err as SecretReadError
  }
  throw new Error('expected readSecretVersions to fail')
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

afterEach(async () => {
  vi.restoreAllMocks()
  vi.unstubAllEnvs()
  await fake?.close()
  fake = undefined
})

describe('readSecretVersions against a real gRPC Secret Manager', () => {
  // Prove the insecure local mode never asks Google auth for anything: any
  // ADC lookup would go through GoogleAuth.getClient (and could hit the network).
  let getClient: ReturnType<typeof vi.spyOn>
  beforeEach(() => {
    getClient = vi.spyOn(GoogleAuth.prototype, 'getClient')
  })

  it('reads a value through the real client, with no Google auth and quickly', async () => {
    const sm = await start({ [KEY_VERSION]: KEY_VALUE })
    const t0 = Date.now()
    const out = await readSecretVersions({ OPENAI_API_KEY: KEY_VERSION }, local(sm.port))
    expect(out).toEqual({ OPENAI_API_KEY: KEY_VALUE })
    expect(Date.now() - t0).toBeLessThan(2_000)
    expect(sm.calls).toEqual([KEY_VERSION])
    expect(sm.requests[0]?.authorization).toBeUndefined()
    expect(getClient).not.toHaveBeenCalled()
  })

  it('trims exactly one trailing newline (echo "$V" | gcloud secrets versions add)', async () => {
    const sm = await start({
      'projects/p/secrets/lf/versions/1': 'value-lf\n',
      'projects/p/secrets/crlf/versions/1': 'value-crlf\r\n',
      'projects/p/secrets/two/versions/1': 'value-two\n\n',
      'projects/p/secrets/inner/versions/1': 'line1\nline2',
      'projects/p/secrets/utf8/versions/1': 'clé-ümlaut-🔑 \n',
    })
    const out = await readSecretVersions(
      {
        LF: 'projects/p/secrets/lf/versions/1',
        CRLF: 'projects/p/secrets/crlf/versions/1',
        TWO: 'projects/p/secrets/two/versions/1',
        INNER: 'projects/p/secrets/inner/versions/1',
        UTF8: 'projects/p/secrets/utf8/versions/1',
      },
      local(sm.port),
    )
    expect(out).toEqual({
      LF: 'value-lf',
      CRLF: 'value-crlf',
      TWO: 'value-two\n',
      INNER: 'line1\nline2',
      UTF8: 'clé-ümlaut-🔑 ',
    })
  })

  it('reads each version exactly once, even when two settings share one', async () => {
    const sm = await start({ [KEY_VERSION]: KEY_VALUE, [TOKENS_VERSION]: TOKENS_VALUE })
    const out = await readSecretVersions({ OPENAI_API_KEY: KEY_VERSION, API_TOKENS: TOKENS_VERSION, ADMIN_TOKEN: TOKENS_VERSION }, local(sm.port))
    expect(out).toEqual({ OPENAI_API_KEY: KEY_VALUE, API_TOKENS: TOKENS_VALUE, ADMIN_TOKEN: TOKENS_VALUE })
    expect([...sm.calls].sort()).toEqual([TOKENS_VERSION, KEY_VERSION].sort())
  })

  it('returns {} without contacting anything when no names are given', async () => {
    expect(await readSecretVersions({}, local(await closedPort()))).toEqual({})
  })

  it('NOT_FOUND → secret_not_found, one line naming the variable and version, no values', async () => {
    const missing = 'projects/demo/secrets/jwt/versions/7'
    const sm = await start({ [KEY_VERSION]: KEY_VALUE })
    const err = await readError(readSecretVersions({ OPENAI_API_KEY: KEY_VERSION, JWT_SECRET: missing }, local(sm.port)))
    expect(err.code).toBe('secret_not_found')
    expect(err.grpcStatus).toBe('NOT_FOUND')
    expect(err.variable).toBe('JWT_SECRET_SECRET')
    expect(err.message).not.toMatch(/[\r\n]/)
    expect(err.message).toContain('JWT_SECRET_SECRET')
    expect(err.message).toContain(missing)
    expect(err.message).toContain('NOT_FOUND')
    expect(err.message).toContain('gcloud secrets versions add jwt')
    expect(err.message).not.toContain(KEY_VALUE)
    expect(sm.calls.filter((n) => n === missing)).toHaveLength(1)
  })

  it('PERMISSION_DENIED → permission_denied with the secretAccessor hint, value not leaked', async () => {
    const sm = await start({ [KEY_VERSION]: KEY_VALUE })
    sm.deny(KEY_VERSION)
    const err = await readError(readSecretVersions({ OPENAI_API_KEY: KEY_VERSION }, local(sm.port)))
    expect(err.code).toBe('permission_denied')
    expect(err.grpcStatus).toBe('PERMISSION_DENIED')
    expect(err.message).not.toMatch(/[\r\n]/)
    expect(err.message).toContain('OPENAI_API_KEY_SECRET')
    expect(err.message).toContain(KEY_VERSION)
    expect(err.message).toContain('roles/secretmanager.secretAccessor')
    expect(err.message).not.toContain(KEY_VALUE)
    // Not retried: PERMISSION_DENIED is not transient.
    expect(sm.calls).toEqual([KEY_VERSION])
  })

  it('a disabled version (FAILED_PRECONDITION) → secret_disabled', async () => {
    const sm = await start({ [KEY_VERSION]: KEY_VALUE })
    sm.fail(KEY_VERSION, 9, `Secret Version [${KEY_VERSION}] is in DISABLED state.`)
    const err = await readError(readSecretVersions({ OPENAI_API_KEY: KEY_VERSION }, local(sm.port)))
    expect(err.code).toBe('secret_disabled')
    expect(err.message).toContain('FAILED_PRECONDITION')
    expect(err.message).not.toContain(KEY_VALUE)
  })

  it.each([
    'openai-api-key',
    'projects/demo/secrets/openai-api-key',
    'projects/demo/secrets/openai-api-key/versions/',
    'projects//secrets/s/versions/1',
    'projects/demo/secrets/s/versions/1/extra',
    ' projects/demo/secrets/s/versions/1',
  ])('rejects the invalid name %j before any call', async (bad) => {
    const sm = await start({ [KEY_VERSION]: KEY_VALUE })
    const err = await readError(readSecretVersions({ OPENAI_API_KEY: KEY_VERSION, API_TOKENS: bad }, local(sm.port)))
    expect(err.code).toBe('secret_invalid_name')
    expect(err.message).toContain('API_TOKENS_SECRET must look like projects/PROJECT/secrets/NAME/versions/VERSION')
    expect(err.message).not.toMatch(/[\r\n]/)
    expect(sm.calls).toEqual([])
  })

  it('does not echo an invalid name that may be the secret value itself', async () => {
    const sm = await start({})
    const err = await readError(readSecretVersions({ OPENAI_API_KEY: KEY_VALUE }, local(sm.port)))
    expect(err.code).toBe('secret_invalid_name')
    expect(err.message).toContain('OPENAI_API_KEY_SECRET must look like')
    expect(`${err.message} ${JSON.stringify(err)}`).not.toContain(KEY_VALUE)
    expect(sm.calls).toEqual([])
  })

  it('an unreachable endpoint (closed port) → secret_unreachable within the timeout', async () => {
    const port = await closedPort()
    const t0 = Date.now()
    const err = await readError(readSecretVersions({ OPENAI_API_KEY: KEY_VERSION }, local(port, { timeoutMs: 1_500 })))
    const elapsed = Date.now() - t0
    expect(err.code).toBe('secret_unreachable')
    expect(err.message).not.toMatch(/[\r\n]/)
    expect(err.message).toContain('OPENAI_API_KEY_SECRET')
    expect(err.message).toContain(KEY_VERSION)
    expect(err.message).toMatch(/UNAVAILABLE|DEADLINE_EXCEEDED/)
    expect(elapsed).toBeLessThan(1_500 + 700)
  })

  it('a server that never answers in time → secret_unreachable (DEADLINE_EXCEEDED) at the deadline', async () => {
    const sm = await start({ [KEY_VERSION]: KEY_VALUE }, { delayMs: 5_000 })
    const t0 = Date.now()
    const err = await readError(readSecretVersions({ OPENAI_API_KEY: KEY_VERSION }, local(sm.port, { timeoutMs: 800 })))
    const elapsed = Date.now() - t0
    expect(err.code).toBe('secret_unreachable')
    expect(err.grpcStatus).toBe('DEADLINE_EXCEEDED')
    expect(elapsed).toBeGreaterThanOrEqual(700)
    expect(elapsed).toBeLessThan(800 + 700)
    expect(err.message).not.toContain(KEY_VALUE)
  })

  it('an empty version (only a newline) → secret_empty, naming the variable', async () => {
    const sm = await start({ [KEY_VERSION]: '\n' })
    const err = await readError(readSecretVersions({ OPENAI_API_KEY: KEY_VERSION }, local(sm.port)))
    expect(err.code).toBe('secret_empty')
    expect(err.message).toContain('OPENAI_API_KEY_SECRET')
    expect(err.message).toContain(KEY_VERSION)
  })

  it("keeps values out of the client library's own debug log (GOOGLE_SDK_NODE_LOGGING=all)", async () => {
    vi.stubEnv('GOOGLE_SDK_NODE_LOGGING', 'all')
    const printed: string[] = []
    const capture = (...args: unknown[]) => {
      printed.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '))
    }
    vi.spyOn(console, 'error').mockImplementation(capture)
    vi.spyOn(console, 'log').mockImplementation(capture)
    vi.spyOn(console, 'debug').mockImplementation(capture)
    const sm = await start({ [KEY_VERSION]: KEY_VALUE })
    const out = await readSecretVersions({ OPENAI_API_KEY: KEY_VERSION }, local(sm.port))
    expect(out.OPENAI_API_KEY).toBe(KEY_VALUE)
    const all = printed.join('\n')
    expect(all).not.toContain(KEY_VALUE)
    expect(all).not.toContain([...Buffer.from(KEY_VALUE)].join(','))
  })

  it('never puts a value in the error, whichever read fails', async () => {
    const sm = await start({ [KEY_VERSION]: KEY_VALUE, [TOKENS_VERSION]: TOKENS_VALUE })
    sm.deny(TOKENS_VERSION)
    const err = await readError(readSecretVersions({ OPENAI_API_KEY: KEY_VERSION, API_TOKENS: TOKENS_VERSION }, local(sm.port)))
    expect(err.code).toBe('permission_denied')
    const everything = `${err.message} ${String(err.stack)} ${JSON.stringify(err)}`
    for (const value of [KEY_VALUE, TOKENS_VALUE, 'tok-alpha', 'tok-beta']) {
      expect(everything).not.toContain(value)
    }
  })
})

describe('readSecretVersions with Google auth (default, not insecure)', () => {
  it('missing Application Default Credentials → secret_no_credentials, no unhandled rejection', async () => {
    // ADC from an env var naming a file that does not exist fails at once, offline.
    vi.stubEnv('GOOGLE_APPLICATION_CREDENTIALS', '/nonexistent/adc-for-secret-manager-test.json')
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    try {
      const sm = await start({ [KEY_VERSION]: KEY_VALUE })
      const err = await readError(readSecretVersions({ OPENAI_API_KEY: KEY_VERSION }, { apiEndpoint: '127.0.0.1', port: sm.port, timeoutMs: 3_000 }))
      expect(err.code).toBe('secret_no_credentials')
      expect(err.message).not.toMatch(/[\r\n]/)
      expect(err.message).toContain('OPENAI_API_KEY_SECRET')
      expect(sm.calls).toEqual([])
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })
})
