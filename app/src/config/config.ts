/** Environment -> one typed, validated Config. Nothing else in the server reads `process.env`. */
import { z } from 'zod'
import { DEFAULT_GATEWAY_HEADER } from '../guard/auth.js'
import type { LimitSettings } from '../guard/limits.js'
import { DEFAULT_EDITOR_LIMITS } from '../protocol/editor-context.js'

const int = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^-?\d+$/, { message: `must be a whole number between ${min} and ${max}` })
    .transform(Number)
    .pipe(z.number().int().min(min, { message: `must be at least ${min}` }).max(max, { message: `must be at most ${max}` }))

const num = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^-?\d+(\.\d+)?$/, { message: `must be a number between ${min} and ${max}` })
    .transform(Number)
    .pipe(z.number().min(min, { message: `must be at least ${min}` }).max(max, { message: `must be at most ${max}` }))

const bool = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ['true', 'false', '1', '0', 'yes', 'no'].includes(v), { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes')

const nonEmpty = z.string().trim().min(1, { message: 'must not be empty' })

const secretVersion = z
  .string()
  .trim()
  .regex(/^projects\/[^/]+\/secrets\/[^/]+\/versions\/[^/]+$/, {
    message: 'must look like projects/PROJECT/secrets/NAME/versions/VERSION (e.g. versions/latest)',
  })

const url = z
  .string()
  .trim()
  .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), { message: 'must be an http(s) URL' })

const kmsKeyName = z
  .string()
  .trim()
  .regex(/^projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/, {
    message: 'must look like projects/PROJECT/locations/LOCATION/keyRings/RING/cryptoKeys/KEY',
  })

/** 32 bytes, base64: `openssl rand -base64 32`. */
const localKek = z
  .string()
  .trim()
  .refine((v) => /^[A-Za-z0-9+/]+={0,2}$/.test(v) && Buffer.from(v, 'base64').length === 32, {
    message: 'must be 32 random bytes in base64 (44 characters); make one with: openssl rand -base64 32',
  })

const modelList = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
  .refine((list) => list.length > 0 && list.every((m) => /^[A-Za-z0-9._:/-]{1,128}$/.test(m)), {
    message: 'must be a comma-separated list of model ids, e.g. gpt-4o-mini,gpt-4o',
  })

const hostPort = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, { message: 'must be host or host:port, e.g. metadata.google.internal or 127.0.0.1:8080' })

const redisUrl = z
  .string()
  .trim()
  .refine((v) => URL.canParse(v) && /^rediss?:$/.test(new URL(v).protocol), {
    message: 'must be a redis:// or rediss:// URL, e.g. redis://10.0.0.3:6379',
  })

const originList = z
  .string()
  .trim()
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
  .refine((list) => list.every((o) => o === '*' || /^https?:\/\/[^/\s]+$/.test(o)), {
    message: 'must be a comma-separated list of origins like https://app.example.com (scheme and host, no path), or *',
  })

const tokenList = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
  .refine((list) => list.length > 0 && list.every((t) => t.length >= 16), {
    message: 'must be a comma-separated list of tokens, each at least 16 characters',
  })

/** The raw environment schema: one entry per variable, every one optional with a documented default. */
const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: int(0, 65535).default(3001),
  HOST: nonEmpty.default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_CONTENT: bool.default(false),

  OPENAI_API_KEY: nonEmpty.optional(),
  OPENAI_API_KEY_SECRET: secretVersion.optional(),
  OPENAI_MODEL: nonEmpty.default('gpt-4o'),
  OPENAI_MAX_TOKENS: int(1, 1_000_000).default(2000),
  OPENAI_TEMPERATURE: num(0, 2).default(0.7),
  OPENAI_BASE_URL: url.optional(),
  OPENAI_FIRST_TOKEN_TIMEOUT_MS: int(100, 600_000).default(30_000),
  OPENAI_IDLE_TIMEOUT_MS: int(100, 600_000).default(30_000),
  OPENAI_ANSWER_TIMEOUT_MS: int(100, 3_600_000).default(300_000),
  OPENAI_MAX_RETRIES: int(0, 10).default(2),
  OPENAI_RETRY_BASE_MS: int(1, 60_000).default(500),

  OPENAI_COMPAT_MODEL_ID: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._:-]{1,128}$/, { message: "must be 1-128 letters, digits, '.', '_', ':' or '-', e.g. hedera-assistant" })
    .default('hedera-assistant'),

  LLM_PROVIDER: z.enum(['offline', 'openai', 'vertex']).optional(),
  VERTEX_PROJECT: z.string().trim().regex(/^[a-z][a-z0-9:.-]{4,62}$/, { message: 'must be a Google Cloud project id, e.g. my-project-123' }).optional(),
  VERTEX_LOCATION: z.string().trim().regex(/^[a-z0-9-]{2,40}$/, { message: 'must be a Vertex AI location, e.g. us-central1 or global' }).optional(),
  VERTEX_MODEL: z.string().trim().regex(/^[A-Za-z0-9._-]+\/[A-Za-z0-9._@-]+$/, { message: 'must be publisher/model, e.g. google/gemini-2.5-flash' }).default('google/gemini-2.5-flash'),
  VERTEX_API_ENDPOINT: url.optional(),
  GCE_METADATA_HOST: hostPort.optional(),

  BYOK_KMS_KEY_NAME: kmsKeyName.optional(),
  BYOK_KMS_ENDPOINT: hostPort.optional(),
  BYOK_KMS_TIMEOUT_MS: int(100, 60_000).default(5_000),
  BYOK_LOCAL_KEY: localKek.optional(),
  BYOK_LOCAL_KEY_SECRET: secretVersion.optional(),
  BYOK_MODELS: modelList.optional(),
  KNOWLEDGE_ENABLED: bool.default(true),
  KNOWLEDGE_DIR: nonEmpty.optional(),

  SYSTEM_PROMPT: nonEmpty.optional(),
  SYSTEM_PROMPT_FILE: nonEmpty.optional(),

  CORS_ORIGINS: originList.optional(),
  CHAT_MAX_CONTENT_CHARS: int(1, 500_000).default(16_000),
  WS_MAX_PAYLOAD_BYTES: int(1024, 16 * 1024 * 1024).default(1024 * 1024),
  WS_MAX_BUFFERED_BYTES: int(1024, 256 * 1024 * 1024).default(4 * 1024 * 1024),
  WS_MAX_MESSAGES_PER_SECOND: int(0, 100_000).default(20),
  HEARTBEAT_INTERVAL_MS: int(100, 600_000).default(30_000),
  SHUTDOWN_GRACE_MS: int(0, 3_600_000).default(8000),
  RESUME_GRACE_MS: int(0, 3_600_000).default(30_000),
  ANSWER_RETENTION_MS: int(0, 86_400_000).default(300_000),
  ANSWER_RETENTION_MAX: int(0, 1_000_000).default(500),
  ANSWER_LOG_MAX_FRAMES: int(16, 1_000_000).default(10_000),
  DELTA_COALESCE_MS: int(0, 1000).default(3),

  HISTORY_MAX_TURNS: int(0, 1000).default(20),
  HISTORY_IDLE_TTL_MS: int(1000, 30 * 86_400_000).default(3_600_000),
  HISTORY_MAX_CONVERSATIONS: int(1, 10_000_000).default(10_000),
  HISTORY_MAX_PER_USER: int(1, 10_000).default(100),

  EDITOR_MAX_CODE_CHARS: int(0, 1_000_000).default(DEFAULT_EDITOR_LIMITS.maxCodeChars),
  EDITOR_MAX_OUTPUT_CHARS: int(0, 1_000_000).default(DEFAULT_EDITOR_LIMITS.maxOutputChars),
  AI_SDK_MAX_MESSAGES: int(1, 10_000).default(200),
  AI_SDK_MAX_PARTS: int(1, 10_000).default(100),

  AUTH_MODE: z.enum(['none', 'token', 'jwt', 'gateway']).default('none'),
  AUTH_GATEWAY_HEADER: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^x-[a-z0-9-]{1,62}$/, { message: 'must be a header name starting with x-, e.g. x-user-id' })
    .default(DEFAULT_GATEWAY_HEADER),
  API_TOKENS: tokenList.optional(),
  API_TOKENS_SECRET: secretVersion.optional(),
  JWT_SECRET: z.string().min(32, { message: 'must be at least 32 characters for HS256' }).optional(),
  JWT_SECRET_SECRET: secretVersion.optional(),
  JWT_JWKS_URL: url.optional(),
  JWT_ISSUER: nonEmpty.optional(),
  JWT_AUDIENCE: nonEmpty.optional(),
  TRUSTED_PROXY_HOPS: int(0, 10).default(0),
  RATE_LIMIT_CONNECTIONS_PER_MINUTE: int(0, 1_000_000).default(0),
  RATE_LIMIT_CHATS_PER_MINUTE: int(0, 1_000_000).default(0),
  RATE_LIMIT_CONCURRENT_ANSWERS: int(0, 10_000).default(0),
  RATE_LIMIT_SOCKETS_PER_USER: int(0, 10_000).default(0),
  RATE_LIMIT_WINDOW_MS: int(1000, 3_600_000).default(60_000),
  DAILY_TOKEN_LIMIT: int(0, 1_000_000_000).default(0),
  TOKEN_BUDGET_PERIOD: z.enum(['day', 'month']).default('day'),
  ADMIN_TOKEN: z.string().min(16, { message: 'must be at least 16 characters' }).optional(),
  ADMIN_TOKEN_SECRET: secretVersion.optional(),
  METRICS_TOKEN: z.string().min(16, { message: 'must be at least 16 characters' }).optional(),
  METRICS_TOKEN_SECRET: secretVersion.optional(),
  METRICS_PORT: int(0, 65535).default(0),

  REDIS_URL: redisUrl.optional(),
  REDIS_PASSWORD: z.string().min(1).optional(),
  REDIS_PASSWORD_SECRET: secretVersion.optional(),

  SECRET_MANAGER_ENDPOINT: nonEmpty.optional(),

  PLAYGROUND_ENABLED: bool.default(true),

  // Observability (docs/observability.md): the project names traces in logs; OTEL_* as OpenTelemetry defines them.
  GOOGLE_CLOUD_PROJECT: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$|^[a-z0-9.-]+:[a-z][a-z0-9-]{4,28}[a-z0-9]$/, { message: 'must be a Google Cloud project id, e.g. my-project-123' })
    .optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: url.optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: url.optional(),
  OTEL_TRACES_EXPORTER: z.enum(['otlp', 'none']).default('otlp'),
  OTEL_SERVICE_NAME: nonEmpty.default('hedera-playground-assistant'),
  OTEL_TRACES_SAMPLER: z
    .enum(['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'])
    .default('parentbased_always_on'),
  OTEL_TRACES_SAMPLER_ARG: num(0, 1).default(1),
})

export type Env = z.infer<typeof EnvSchema>

/** Every variable the server reads (docs and deployment manifests are checked against this list). */
export const ENV_NAMES = Object.keys(EnvSchema.shape)

/** Settings that may come from Secret Manager: `X` directly or `X_SECRET` naming a version. */
export const SECRET_SETTINGS = [
  'OPENAI_API_KEY',
  'API_TOKENS',
  'JWT_SECRET',
  'ADMIN_TOKEN',
  'METRICS_TOKEN',
  'REDIS_PASSWORD',
  'BYOK_LOCAL_KEY',
] as const
export type SecretSetting = (typeof SECRET_SETTINGS)[number]

export interface Config {
  env: Env['NODE_ENV']
  version: string
  port: number
  host: string
  log: { level: Env['LOG_LEVEL']; content: boolean }
  openai: {
    apiKey: string | undefined
    model: string
    maxTokens: number
    temperature: number
    baseURL: string | undefined
    firstTokenTimeoutMs: number
    idleTimeoutMs: number
    answerTimeoutMs: number
    maxRetries: number
    retryBaseMs: number
  }
  /** The OpenAI-compatible endpoint (/v1/chat/completions, /v1/models). */
  openaiCompat: { modelId: string }
  /** Who answers: a model (openai, or Gemini on vertex) or the built-in knowledge base (offline). */
  llm: { provider: 'offline' | 'openai' | 'vertex' }
  /** Vertex AI's OpenAI-compatible endpoint; the token comes from the metadata server (metadataHost) or ADC. */
  vertex: { project: string | undefined; location: string | undefined; model: string; apiRoot: string | undefined; metadataHost: string | undefined }
  /** Users' own OpenAI keys: off unless a key-encryption key is configured (KMS or local). */
  byok: {
    enabled: boolean
    kmsKeyName: string | undefined
    kmsEndpoint: string | undefined
    kmsTimeoutMs: number
    /** 32 bytes; only when no KMS key is named. */
    localKey: Buffer | undefined
    /** The models a user's key may be used with; the first is the default. */
    models: string[]
  }
  /** Grounding of model answers in the knowledge base; the folder holding api-index.json and guides/. */
  knowledge: { enabled: boolean; dir: string | undefined }
  systemPrompt: string | undefined
  systemPromptFile: string | undefined
  cors: { origins: string[] | undefined }
  limits: {
    maxContentChars: number
    wsMaxPayloadBytes: number
    wsMaxBufferedBytes: number
    wsMaxMessagesPerSecond: number
  }
  heartbeatIntervalMs: number
  shutdownGraceMs: number
  answers: { resumeGraceMs: number; retentionMs: number; retainedMax: number; logMaxFrames: number; deltaCoalesceMs: number }
  history: { maxTurns: number; idleTtlMs: number; maxConversations: number; maxPerUser: number }
  /** Bounds of the editor state a question carries (larger is refused, naming the field). */
  editor: { maxCodeChars: number; maxOutputChars: number }
  /** Bounds of an AI SDK chat body (the Playground's `useChat`). */
  aiSdk: { maxMessages: number; maxParts: number }
  auth: {
    mode: Env['AUTH_MODE']
    apiTokens: string[]
    jwtSecret: string | undefined
    jwksUrl: string | undefined
    issuer: string | undefined
    audience: string | undefined
    /** AUTH_MODE=gateway: the header holding the user id the gateway vouches for. */
    gatewayHeader: string
  }
  trustedProxyHops: number
  rateLimits: LimitSettings
  adminToken: string | undefined
  metrics: { port: number; token: string | undefined }
  redis: { url: string | undefined; password: string | undefined }
  /** GET / serves the playground page (the API is the same either way). */
  playground: { enabled: boolean }
  telemetry: TelemetrySettings
}

export type TraceSampler = Env['OTEL_TRACES_SAMPLER']

export interface TelemetrySettings {
  /** GOOGLE_CLOUD_PROJECT: log lines name their trace as projects/P/traces/ID. */
  project: string | undefined
  /** Spans are exported only when this is set (an OTLP/HTTP traces URL, e.g. https://collector:4318/v1/traces). */
  tracesEndpoint: string | undefined
  serviceName: string
  sampler: TraceSampler
  /** The ratio of the *traceidratio samplers (0..1). */
  samplerRatio: number
}

/** OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as is, else OTEL_EXPORTER_OTLP_ENDPOINT + v1/traces (the spec's rule); none when the exporter is off. */
function tracesEndpointOf(env: Env): string | undefined {
  if (env.OTEL_TRACES_EXPORTER === 'none') return undefined
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT) return undefined
  return `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** Validates the environment; names every bad variable and what it allows. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  // Empty strings mean "unset": that is how docker/helm/terraform pass an absent optional value.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''))
  const result = EnvSchema.safeParse(cleaned)
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment')
      const got = name in cleaned && !SECRET_SETTINGS.includes(name as SecretSetting) ? ` (got ${JSON.stringify(withoutUserinfo(cleaned[name]!))})` : ''
      const message = issue.code === 'invalid_value' && 'values' in issue
        ? `must be one of ${(issue.values as unknown[]).join(', ')}`
        : issue.message
      return `${name} ${message}${got}`
    })
    throw new ConfigError(`Invalid configuration: ${lines.join('; ')}`)
  }
  const env = result.data
  for (const name of SECRET_SETTINGS) {
    if (env[name] !== undefined && env[`${name}_SECRET`] !== undefined) {
      throw new ConfigError(`Invalid configuration: set either ${name} or ${name}_SECRET, not both`)
    }
  }
  if (env.SYSTEM_PROMPT !== undefined && env.SYSTEM_PROMPT_FILE !== undefined) {
    throw new ConfigError('Invalid configuration: set either SYSTEM_PROMPT or SYSTEM_PROMPT_FILE, not both')
  }
  if (env.METRICS_PORT !== 0 && env.METRICS_PORT === env.PORT) {
    throw new ConfigError('Invalid configuration: METRICS_PORT must differ from PORT (or be 0 to serve /metrics on PORT)')
  }
  return env
}

/** A URL-like value with any `user:password@` replaced, so an error can repeat it (REDIS_URL may hold a password). */
function withoutUserinfo(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1***@')
}

/** Secret Manager version names to read at start, keyed by the setting they fill. */
export function secretVersionsToRead(env: Env): Partial<Record<SecretSetting, string>> {
  const out: Partial<Record<SecretSetting, string>> = {}
  for (const name of SECRET_SETTINGS) {
    const version = env[`${name}_SECRET`]
    if (version !== undefined) out[name] = version
  }
  return out
}

/** Builds the Config from validated env plus secret values read at start; checks cross-field rules. */
export function buildConfig(env: Env, secrets: Partial<Record<SecretSetting, string>>, version: string): Config {
  // A value read from Secret Manager gets the same check as one from the environment (never echoed: it is a secret).
  const checkedSecrets: Partial<Record<SecretSetting, string>> = {}
  for (const [name, value] of Object.entries(secrets) as [SecretSetting, string][]) {
    if (name === 'API_TOKENS') continue // checked below, with its own sentence
    const checked = EnvSchema.shape[name].safeParse(value)
    if (!checked.success) {
      throw new ConfigError(`Invalid configuration: the value of the secret named by ${name}_SECRET ${checked.error.issues[0]?.message ?? 'is not valid'}`)
    }
    checkedSecrets[name] = checked.data
  }
  const pick = (name: Exclude<SecretSetting, 'API_TOKENS'>): string | undefined => checkedSecrets[name] ?? env[name]
  let apiTokens = env.API_TOKENS ?? []
  if (secrets.API_TOKENS !== undefined) {
    const parsed = tokenList.safeParse(secrets.API_TOKENS)
    if (!parsed.success) throw new ConfigError('Invalid configuration: the secret named by API_TOKENS_SECRET must hold comma-separated tokens, each at least 16 characters')
    apiTokens = parsed.data
  }
  const config: Config = {
    env: env.NODE_ENV,
    version,
    port: env.PORT,
    host: env.HOST,
    log: { level: env.LOG_LEVEL, content: env.LOG_CONTENT },
    openai: {
      apiKey: pick('OPENAI_API_KEY'),
      model: env.OPENAI_MODEL,
      maxTokens: env.OPENAI_MAX_TOKENS,
      temperature: env.OPENAI_TEMPERATURE,
      baseURL: env.OPENAI_BASE_URL,
      firstTokenTimeoutMs: env.OPENAI_FIRST_TOKEN_TIMEOUT_MS,
      idleTimeoutMs: env.OPENAI_IDLE_TIMEOUT_MS,
      answerTimeoutMs: env.OPENAI_ANSWER_TIMEOUT_MS,
      maxRetries: env.OPENAI_MAX_RETRIES,
      retryBaseMs: env.OPENAI_RETRY_BASE_MS,
    },
    openaiCompat: { modelId: env.OPENAI_COMPAT_MODEL_ID },
    // No key means the offline knowledge base answers: the first `npm start` shows the product working.
    llm: { provider: env.LLM_PROVIDER ?? (pick('OPENAI_API_KEY') ? 'openai' : 'offline') },
    vertex: { project: env.VERTEX_PROJECT, location: env.VERTEX_LOCATION, model: env.VERTEX_MODEL, apiRoot: env.VERTEX_API_ENDPOINT, metadataHost: env.GCE_METADATA_HOST },
    byok: byokOf(env, pick('BYOK_LOCAL_KEY')),
    knowledge: { enabled: env.KNOWLEDGE_ENABLED, dir: env.KNOWLEDGE_DIR },
    systemPrompt: env.SYSTEM_PROMPT,
    systemPromptFile: env.SYSTEM_PROMPT_FILE,
    cors: { origins: env.CORS_ORIGINS },
    limits: {
      maxContentChars: env.CHAT_MAX_CONTENT_CHARS,
      wsMaxPayloadBytes: env.WS_MAX_PAYLOAD_BYTES,
      wsMaxBufferedBytes: env.WS_MAX_BUFFERED_BYTES,
      wsMaxMessagesPerSecond: env.WS_MAX_MESSAGES_PER_SECOND,
    },
    heartbeatIntervalMs: env.HEARTBEAT_INTERVAL_MS,
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    answers: {
      resumeGraceMs: env.RESUME_GRACE_MS,
      retentionMs: env.ANSWER_RETENTION_MS,
      retainedMax: env.ANSWER_RETENTION_MAX,
      logMaxFrames: env.ANSWER_LOG_MAX_FRAMES,
      deltaCoalesceMs: env.DELTA_COALESCE_MS,
    },
    history: {
      maxTurns: env.HISTORY_MAX_TURNS,
      idleTtlMs: env.HISTORY_IDLE_TTL_MS,
      maxConversations: env.HISTORY_MAX_CONVERSATIONS,
      maxPerUser: env.HISTORY_MAX_PER_USER,
    },
    editor: { maxCodeChars: env.EDITOR_MAX_CODE_CHARS, maxOutputChars: env.EDITOR_MAX_OUTPUT_CHARS },
    aiSdk: { maxMessages: env.AI_SDK_MAX_MESSAGES, maxParts: env.AI_SDK_MAX_PARTS },
    auth: {
      mode: env.AUTH_MODE,
      apiTokens,
      jwtSecret: pick('JWT_SECRET'),
      jwksUrl: env.JWT_JWKS_URL,
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      gatewayHeader: env.AUTH_GATEWAY_HEADER,
    },
    trustedProxyHops: env.TRUSTED_PROXY_HOPS,
    rateLimits: {
      connectionsPerWindow: env.RATE_LIMIT_CONNECTIONS_PER_MINUTE,
      chatsPerWindow: env.RATE_LIMIT_CHATS_PER_MINUTE,
      concurrentAnswers: env.RATE_LIMIT_CONCURRENT_ANSWERS,
      socketsPerUser: env.RATE_LIMIT_SOCKETS_PER_USER,
      dailyTokens: env.DAILY_TOKEN_LIMIT,
      tokenBudgetPeriod: env.TOKEN_BUDGET_PERIOD,
      windowMs: env.RATE_LIMIT_WINDOW_MS,
    },
    adminToken: pick('ADMIN_TOKEN'),
    metrics: { port: env.METRICS_PORT, token: pick('METRICS_TOKEN') },
    redis: { url: env.REDIS_URL, password: pick('REDIS_PASSWORD') },
    playground: { enabled: env.PLAYGROUND_ENABLED },
    telemetry: {
      project: env.GOOGLE_CLOUD_PROJECT,
      tracesEndpoint: tracesEndpointOf(env),
      serviceName: env.OTEL_SERVICE_NAME,
      sampler: env.OTEL_TRACES_SAMPLER,
      samplerRatio: env.OTEL_TRACES_SAMPLER_ARG,
    },
  }
  if (config.llm.provider === 'openai' && !config.openai.apiKey) {
    throw new ConfigError('Invalid configuration: LLM_PROVIDER=openai needs OPENAI_API_KEY (or OPENAI_API_KEY_SECRET); set one, or set LLM_PROVIDER=offline to answer from the built-in knowledge base')
  }
  if (config.llm.provider === 'vertex' && (!config.vertex.project || !config.vertex.location)) {
    throw new ConfigError('Invalid configuration: LLM_PROVIDER=vertex needs VERTEX_PROJECT and VERTEX_LOCATION (e.g. us-central1); the token comes from the service account, no key is needed')
  }
  const { auth } = config
  if (auth.mode === 'token' && auth.apiTokens.length === 0) {
    throw new ConfigError('Invalid configuration: AUTH_MODE=token needs API_TOKENS (or API_TOKENS_SECRET)')
  }
  if (auth.mode === 'jwt' && !auth.jwtSecret && !auth.jwksUrl) {
    throw new ConfigError('Invalid configuration: AUTH_MODE=jwt needs JWT_SECRET (HS256) or JWT_JWKS_URL')
  }
  if (auth.mode === 'jwt' && auth.jwksUrl && (!auth.issuer || !auth.audience)) {
    throw new ConfigError('Invalid configuration: JWT_JWKS_URL needs JWT_ISSUER and JWT_AUDIENCE so tokens of other apps are refused')
  }
  return config
}

/** BYOK settings: on when a KMS key or a local key-encryption key is set (never both). */
function byokOf(env: Env, localKey: string | undefined): Config['byok'] {
  if (env.BYOK_KMS_KEY_NAME && localKey) {
    throw new ConfigError('Invalid configuration: set either BYOK_KMS_KEY_NAME (Cloud KMS) or BYOK_LOCAL_KEY (a local key), not both')
  }
  if (env.BYOK_MODELS && !env.BYOK_KMS_KEY_NAME && !localKey) {
    throw new ConfigError('Invalid configuration: BYOK_MODELS needs BYOK_KMS_KEY_NAME or BYOK_LOCAL_KEY, which turn users\' own keys on')
  }
  return {
    enabled: Boolean(env.BYOK_KMS_KEY_NAME || localKey),
    kmsKeyName: env.BYOK_KMS_KEY_NAME,
    kmsEndpoint: env.BYOK_KMS_ENDPOINT,
    kmsTimeoutMs: env.BYOK_KMS_TIMEOUT_MS,
    localKey: localKey ? Buffer.from(localKey, 'base64') : undefined,
    models: env.BYOK_MODELS ?? [env.OPENAI_MODEL],
  }
}
