import { describe, expect, it } from 'vitest'
import { buildConfig, ConfigError, parseEnv } from './config.js'

describe('configuration errors never leak secrets', () => {
  it('a bad REDIS_URL is repeated without its inline password', () => {
    let message = ''
    try {
      parseEnv({ REDIS_URL: 'http://user:s3cr3t-pa55@10.0.0.3:6379' })
    } catch (error) {
      message = (error as Error).message
    }
    expect(message).toBe('Invalid configuration: REDIS_URL must be a redis:// or rediss:// URL, e.g. redis://10.0.0.3:6379 (got "http://***@10.0.0.3:6379")')
  })
})

describe('values read from Secret Manager get the checks of the environment', () => {
  const env = parseEnv({ AUTH_MODE: 'jwt', JWT_SECRET_SECRET: 'projects/p/secrets/jwt/versions/latest' })

  it('a JWT secret from Secret Manager shorter than 32 characters is refused, without being repeated', () => {
    expect(() => buildConfig(env, { JWT_SECRET: 'short-secret' }, 'test')).toThrow(ConfigError)
    expect(() => buildConfig(env, { JWT_SECRET: 'short-secret' }, 'test')).toThrow(
      'Invalid configuration: the value of the secret named by JWT_SECRET_SECRET must be at least 32 characters for HS256',
    )
  })

  it('short admin and metrics tokens and empty keys are refused too; good values pass through', () => {
    const plain = parseEnv({})
    expect(() => buildConfig(plain, { ADMIN_TOKEN: 'too-short' }, 'test')).toThrow(/ADMIN_TOKEN_SECRET must be at least 16 characters/)
    expect(() => buildConfig(plain, { METRICS_TOKEN: 'too-short' }, 'test')).toThrow(/METRICS_TOKEN_SECRET must be at least 16 characters/)
    expect(() => buildConfig(plain, { OPENAI_API_KEY: '   ' }, 'test')).toThrow(/OPENAI_API_KEY_SECRET must not be empty/)
    expect(buildConfig(env, { JWT_SECRET: 'x'.repeat(32) }, 'test').auth.jwtSecret).toBe('x'.repeat(32))
  })
})

describe('the Playground settings', () => {
  it('AUTH_MODE=gateway is never the default, reads x-user-id unless told otherwise, and refuses a header name that is not x-', () => {
    expect(buildConfig(parseEnv({}), {}, 'test').auth.mode).toBe('none')
    const gateway = buildConfig(parseEnv({ AUTH_MODE: 'gateway' }), {}, 'test')
    expect(gateway.auth).toMatchObject({ mode: 'gateway', gatewayHeader: 'x-user-id' })
    expect(buildConfig(parseEnv({ AUTH_MODE: 'gateway', AUTH_GATEWAY_HEADER: 'X-Portal-User' }), {}, 'test').auth.gatewayHeader).toBe('x-portal-user')
    expect(() => parseEnv({ AUTH_GATEWAY_HEADER: 'authorization' })).toThrow('AUTH_GATEWAY_HEADER must be a header name starting with x-, e.g. x-user-id')
  })

  it('the token budget runs per day by default, per month when asked, and nothing else', () => {
    expect(buildConfig(parseEnv({}), {}, 'test').rateLimits.tokenBudgetPeriod).toBe('day')
    expect(buildConfig(parseEnv({ TOKEN_BUDGET_PERIOD: 'month', DAILY_TOKEN_LIMIT: '100000' }), {}, 'test').rateLimits).toMatchObject({ tokenBudgetPeriod: 'month', dailyTokens: 100_000 })
    expect(() => parseEnv({ TOKEN_BUDGET_PERIOD: 'week' })).toThrow('TOKEN_BUDGET_PERIOD must be one of day, month')
  })

  it('editor and AI SDK bounds have defaults and can be set', () => {
    const config = buildConfig(parseEnv({ EDITOR_MAX_CODE_CHARS: '5000', AI_SDK_MAX_PARTS: '10' }), {}, 'test')
    expect(config.editor).toEqual({ maxCodeChars: 5000, maxOutputChars: 50_000 })
    expect(config.aiSdk).toEqual({ maxMessages: 200, maxParts: 10 })
  })
})

describe('observability settings (OTEL_* the OpenTelemetry way)', () => {
  const telemetry = (env: Record<string, string>) => buildConfig(parseEnv(env), {}, 'v').telemetry

  it('tracing is off without an endpoint, and with OTEL_TRACES_EXPORTER=none', () => {
    expect(telemetry({}).tracesEndpoint).toBeUndefined()
    expect(telemetry({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' }).tracesEndpoint).toBeUndefined()
  })

  it('the base endpoint gets /v1/traces; the traces endpoint is used as is', () => {
    expect(telemetry({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).tracesEndpoint).toBe('http://collector:4318/v1/traces')
    expect(telemetry({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:9999/traces' }).tracesEndpoint).toBe('http://b:9999/traces')
  })

  it('names the bad variable and what it allows', () => {
    expect(() => parseEnv({ OTEL_TRACES_SAMPLER: 'sometimes' })).toThrow(/OTEL_TRACES_SAMPLER must be one of always_on, .*parentbased_traceidratio/)
    expect(() => parseEnv({ OTEL_TRACES_SAMPLER_ARG: '2' })).toThrow(/OTEL_TRACES_SAMPLER_ARG must be at most 1/)
    expect(() => parseEnv({ GOOGLE_CLOUD_PROJECT: 'Bad Project' })).toThrow(/GOOGLE_CLOUD_PROJECT must be a Google Cloud project id/)
    expect(() => parseEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT must be an http\(s\) URL/)
  })
})

describe("users' own keys (BYOK) and Vertex AI settings", () => {
  const build = (env: Record<string, string>, secrets: Record<string, string> = {}) => buildConfig(parseEnv(env), secrets, 'test')
  const LOCAL = Buffer.alloc(32, 1).toString('base64')
  const KMS = 'projects/p/locations/global/keyRings/r/cryptoKeys/k'

  it('is off by default and on with a local key or a KMS key; the allowlist defaults to OPENAI_MODEL', () => {
    expect(build({}).byok.enabled).toBe(false)
    expect(build({ BYOK_LOCAL_KEY: LOCAL }).byok).toMatchObject({ enabled: true, models: ['gpt-4o'] })
    expect(build({ BYOK_KMS_KEY_NAME: KMS, BYOK_MODELS: 'gpt-4o-mini, gpt-4.1' }).byok).toMatchObject({ enabled: true, kmsKeyName: KMS, models: ['gpt-4o-mini', 'gpt-4.1'] })
    expect(build({}, { BYOK_LOCAL_KEY: LOCAL }).byok.localKey?.length).toBe(32)
  })

  it('refuses a local key that is not 32 bytes without repeating it, both kinds at once, and models without a key', () => {
    const short = Buffer.alloc(16, 1).toString('base64')
    expect(() => parseEnv({ BYOK_LOCAL_KEY: short })).toThrow(/BYOK_LOCAL_KEY must be 32 random bytes in base64 .*openssl rand -base64 32$/)
    expect(() => parseEnv({ BYOK_LOCAL_KEY: short })).not.toThrow(new RegExp(short.slice(0, 10)))
    expect(() => build({}, { BYOK_LOCAL_KEY: short })).toThrow(/secret named by BYOK_LOCAL_KEY_SECRET must be 32 random bytes/)
    expect(() => build({ BYOK_LOCAL_KEY: LOCAL, BYOK_KMS_KEY_NAME: KMS })).toThrow(/either BYOK_KMS_KEY_NAME .* or BYOK_LOCAL_KEY/)
    expect(() => build({ BYOK_MODELS: 'gpt-4o' })).toThrow(/BYOK_MODELS needs BYOK_KMS_KEY_NAME or BYOK_LOCAL_KEY/)
    expect(() => parseEnv({ BYOK_KMS_KEY_NAME: 'projects/p/keyRings/r' })).toThrow(/BYOK_KMS_KEY_NAME must look like projects\/PROJECT\/locations\/LOCATION\/keyRings\/RING\/cryptoKeys\/KEY/)
    expect(() => parseEnv({ BYOK_MODELS: 'gpt 4o' })).toThrow(/BYOK_MODELS must be a comma-separated list of model ids/)
  })

  it('LLM_PROVIDER=vertex needs a project and a location, and checks their shape and the model', () => {
    expect(build({ LLM_PROVIDER: 'vertex', VERTEX_PROJECT: 'my-project', VERTEX_LOCATION: 'us-central1' }).vertex).toEqual({
      project: 'my-project',
      location: 'us-central1',
      model: 'google/gemini-2.5-flash',
      apiRoot: undefined,
      metadataHost: undefined,
    })
    expect(() => build({ LLM_PROVIDER: 'vertex', VERTEX_PROJECT: 'my-project' })).toThrow(/needs VERTEX_PROJECT and VERTEX_LOCATION/)
    expect(() => parseEnv({ VERTEX_PROJECT: 'My Project' })).toThrow(/VERTEX_PROJECT must be a Google Cloud project id/)
    expect(() => parseEnv({ VERTEX_MODEL: 'gemini-2.5-flash' })).toThrow(/VERTEX_MODEL must be publisher\/model, e.g. google\/gemini-2.5-flash/)
    expect(() => parseEnv({ GCE_METADATA_HOST: 'http://metadata' })).toThrow(/GCE_METADATA_HOST must be host or host:port/)
  })
})
