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
