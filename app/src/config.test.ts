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
