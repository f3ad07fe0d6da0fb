/**
 * Reads `X_SECRET` settings (Secret Manager version names) once at start.
 *
 * Production: no options → Google's default endpoint, TLS, Application Default
 * Credentials (Cloud Run service account / GKE Workload Identity).
 * Tests and emulators: `{ apiEndpoint: '127.0.0.1', port, insecure: true }` → a
 * plaintext gRPC channel and no Google auth at all (no ADC lookup, no metadata
 * server, no Authorization header).
 *
 * Secret values never appear in errors or logs made here.
 */
// Only the type at load: the client (google-gax, gRPC, protobufjs: ~12 MB of heap) is imported when a secret is read.
import type { SecretManagerServiceClient } from '@google-cloud/secret-manager'

type ClientOptions = NonNullable<ConstructorParameters<typeof SecretManagerServiceClient>[0]>

export interface SecretReaderOptions {
  /** Host of the Secret Manager API, e.g. '127.0.0.1' for a local server. Default: Google's. */
  apiEndpoint?: string
  /** Port of the API. Default 443. */
  port?: number
  /** Plaintext gRPC and no Google credentials: for local servers and emulators only. */
  insecure?: boolean
  /** Deadline for each read, including connecting and getting credentials. Default 10 000 ms. */
  timeoutMs?: number
}

export type SecretReadErrorCode =
  | 'secret_invalid_name'
  | 'secret_not_found'
  | 'permission_denied'
  | 'secret_no_credentials'
  | 'secret_disabled'
  | 'secret_unreachable'
  | 'secret_empty'
  | 'secret_not_utf8'
  | 'secret_read_failed'

export class SecretReadError extends Error {
  override readonly name = 'SecretReadError'
  readonly code: SecretReadErrorCode
  /** The `*_SECRET` setting that named the version, e.g. `OPENAI_API_KEY_SECRET`. */
  readonly variable: string
  /** The version name asked for (never a value). */
  readonly versionName: string
  /** gRPC status name when the server (or the client library) gave one, e.g. 'NOT_FOUND'. */
  readonly grpcStatus: string | undefined

  constructor(code: SecretReadErrorCode, variable: string, versionName: string, message: string, grpcStatus?: string) {
    super(oneLine(message))
    this.code = code
    this.variable = variable
    this.versionName = versionName
    this.grpcStatus = grpcStatus
  }
}

export const DEFAULT_SECRET_TIMEOUT_MS = 10_000

const VERSION_NAME = /^projects\/[^/]+\/secrets\/[^/]+\/versions\/[^/]+$/

/** gRPC status codes by number (google-gax sets `code` on its errors). */
const GRPC_STATUS: Record<number, string> = {
  0: 'OK',
  1: 'CANCELLED',
  2: 'UNKNOWN',
  3: 'INVALID_ARGUMENT',
  4: 'DEADLINE_EXCEEDED',
  5: 'NOT_FOUND',
  6: 'ALREADY_EXISTS',
  7: 'PERMISSION_DENIED',
  8: 'RESOURCE_EXHAUSTED',
  9: 'FAILED_PRECONDITION',
  10: 'ABORTED',
  11: 'OUT_OF_RANGE',
  12: 'UNIMPLEMENTED',
  13: 'INTERNAL',
  14: 'UNAVAILABLE',
  15: 'DATA_LOSS',
  16: 'UNAUTHENTICATED',
}

/**
 * Reads each Secret Manager version once.
 *
 * @param names setting → version name, e.g. `{ OPENAI_API_KEY: 'projects/p/secrets/s/versions/latest' }`
 *              (the setting came from `OPENAI_API_KEY_SECRET`).
 * @returns setting → value, UTF-8, with one trailing newline (`\n` or `\r\n`) removed.
 * @throws SecretReadError (one line, no value) on the first failure.
 */
export async function readSecretVersions(names: Record<string, string>, options: SecretReaderOptions = {}): Promise<Record<string, string>> {
  const entries = Object.entries(names)
  // Validate everything before any network traffic.
  for (const [setting, versionName] of entries) {
    if (!VERSION_NAME.test(versionName)) {
      // Echo it only when it is clearly a (mistyped) resource path: people do
      // put the secret value itself into X_SECRET by mistake.
      const shown = /^projects\/[\w.:/-]*$/.test(versionName)
        ? `got ${JSON.stringify(truncate(versionName, 200))}`
        : `got a value of ${versionName.length} characters that is not one (not shown)`
      throw new SecretReadError(
        'secret_invalid_name',
        secretVariable(setting),
        shown.startsWith('got "') ? versionName : '',
        `${secretVariable(setting)} must look like projects/PROJECT/secrets/NAME/versions/VERSION ` +
          `(e.g. projects/my-project/secrets/openai-api-key/versions/latest), ${shown}`,
      )
    }
  }
  if (entries.length === 0) return {}

  const timeoutMs = options.timeoutMs ?? DEFAULT_SECRET_TIMEOUT_MS
  const { SecretManagerServiceClient } = await import('@google-cloud/secret-manager')
  const client = new SecretManagerServiceClient(await clientOptions(options))
  silenceClientLog(client)
  try {
    // Initialise explicitly: if getting credentials fails, the library's own
    // initialise-on-first-call would turn it into an unhandled rejection.
    const init = client.initialize()
    init.catch(() => {}) // handled below through withDeadline; avoid a stray unhandled rejection
    await withDeadline(init, timeoutMs).catch((err: unknown) => {
      const [setting, versionName] = entries[0]!
      throw toSecretReadError(err, setting, versionName, options, timeoutMs, 'init')
    })

    // One request per distinct version name, even if several settings share it.
    const byVersion = new Map<string, Promise<Uint8Array | string>>()
    const values = await Promise.all(
      entries.map(async ([setting, versionName]) => {
        let pending = byVersion.get(versionName)
        if (!pending) {
          pending = accessOne(client, versionName, timeoutMs)
          byVersion.set(versionName, pending)
        }
        try {
          return [setting, await pending] as const
        } catch (err) {
          throw toSecretReadError(err, setting, versionName, options, timeoutMs, 'access')
        }
      }),
    )

    const out: Record<string, string> = {}
    for (const [setting, raw] of values) {
      const versionName = names[setting]!
      let value: string
      try {
        // gRPC gives bytes; protobuf's JSON form of bytes is base64.
        const bytes = typeof raw === 'string' ? Buffer.from(raw, 'base64') : raw
        value = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
      } catch {
        throw new SecretReadError(
          'secret_not_utf8',
          secretVariable(setting),
          versionName,
          `${secretVariable(setting)}: Secret Manager version ${versionName} is not valid UTF-8 text; ` +
            `store the value as text (e.g. printf '%s' "$VALUE" | gcloud secrets versions add ${secretIdOf(versionName)} --data-file=-)`,
        )
      }
      value = value.replace(/\r?\n$/, '')
      if (value.length === 0) {
        throw new SecretReadError(
          'secret_empty',
          secretVariable(setting),
          versionName,
          `${secretVariable(setting)}: Secret Manager version ${versionName} is empty; ` +
            `add a version with a value: printf '%s' "$VALUE" | gcloud secrets versions add ${secretIdOf(versionName)} --data-file=-`,
        )
      }
      out[setting] = value
    }
    return out
  } finally {
    await closeClient(client)
  }
}

/**
 * The generated client logs every response, payload bytes included, when
 * GOOGLE_SDK_NODE_LOGGING names it ('secret-manager' or 'all'). A secret must
 * never reach logs, so this client instance gets a logger that drops everything.
 * (Private field of @google-cloud/secret-manager 7.x; a test guards it.)
 */
function silenceClientLog(client: SecretManagerServiceClient): void {
  const noop = (): void => {}
  const silent: object = Object.assign(() => {}, {
    enabled: false,
    info: noop,
    warn: noop,
    error: noop,
    debug: noop,
    sublog: (): object => silent,
  })
  Reflect.set(client, '_log', silent)
}

async function clientOptions(options: SecretReaderOptions): Promise<ClientOptions> {
  const opts: ClientOptions = {}
  if (options.apiEndpoint !== undefined) opts.apiEndpoint = options.apiEndpoint
  if (options.port !== undefined) opts.port = options.port
  if (options.insecure) {
    // Only loaded for local servers; production never needs it directly
    // (google-gax brings its own copy, which is the same package).
    const grpc = await import('@grpc/grpc-js')
    // google-gax uses `sslCreds` as the channel credentials as-is, so it never
    // asks google-auth-library for a token...
    opts.sslCreds = grpc.credentials.createInsecure()
    // ...but before that it compares universe domains, which (unless the
    // universe is given explicitly) makes google-auth-library look for ADC,
    // including the GCE metadata server. Naming it skips that lookup.
    opts.universeDomain = 'googleapis.com'
  }
  return opts
}

async function accessOne(client: SecretManagerServiceClient, versionName: string, timeoutMs: number): Promise<Uint8Array | string> {
  // `timeout` bounds each attempt and the retries (google-gax retries
  // UNAVAILABLE/RESOURCE_EXHAUSTED); withDeadline also bounds the backoff sleep.
  const [response] = await withDeadline(client.accessSecretVersion({ name: versionName }, { timeout: timeoutMs }), timeoutMs)
  return response.payload?.data ?? new Uint8Array()
}

class DeadlineError extends Error {
  readonly code = 4 // DEADLINE_EXCEEDED
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(`no answer within ${ms} ms`)), ms)
  })
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer))
}

async function closeClient(client: SecretManagerServiceClient): Promise<void> {
  // close() waits for the channel to exist; never let that hold up start.
  let timer: NodeJS.Timeout | undefined
  await Promise.race([
    client.close().catch(() => {}),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, 1_000)
      timer.unref()
    }),
  ])
  clearTimeout(timer)
}

function toSecretReadError(
  err: unknown,
  setting: string,
  versionName: string,
  options: SecretReaderOptions,
  timeoutMs: number,
  phase: 'init' | 'access',
): SecretReadError {
  if (err instanceof SecretReadError) return err
  const variable = secretVariable(setting)
  const numeric = typeof (err as { code?: unknown })?.code === 'number' ? (err as { code: number }).code : undefined
  const status = numeric !== undefined ? (GRPC_STATUS[numeric] ?? `code ${numeric}`) : undefined
  const detail = errorDetail(err)
  const where = `${variable}: reading Secret Manager version ${versionName}`
  const endpoint = `${options.apiEndpoint ?? 'the Secret Manager API'}${options.port !== undefined ? `:${options.port}` : ''}`
  const secretId = secretIdOf(versionName)
  const project = versionName.split('/')[1] ?? 'PROJECT'

  switch (numeric) {
    case 5:
      return new SecretReadError(
        'secret_not_found',
        variable,
        versionName,
        `${where} failed: NOT_FOUND (${detail}); check the project, secret name and version in ${variable}, ` +
          `or add a version: printf '%s' "$VALUE" | gcloud secrets versions add ${secretId} --project=${project} --data-file=-`,
        status,
      )
    case 7:
    case 16:
      return new SecretReadError(
        'permission_denied',
        variable,
        versionName,
        `${where} failed: ${status} (${detail}); grant roles/secretmanager.secretAccessor on secret ${secretId} ` +
          `to the runtime's service account (Cloud Run service account or the GKE Workload Identity one): ` +
          `gcloud secrets add-iam-policy-binding ${secretId} --project=${project} --member=serviceAccount:SA_EMAIL --role=roles/secretmanager.secretAccessor`,
        status,
      )
    case 9:
      return new SecretReadError(
        'secret_disabled',
        variable,
        versionName,
        `${where} failed: FAILED_PRECONDITION (${detail}); the version is probably disabled or destroyed: ` +
          `enable it (gcloud secrets versions enable) or point ${variable} at another version`,
        status,
      )
    case 3:
      return new SecretReadError(
        'secret_invalid_name',
        variable,
        versionName,
        `${where} failed: INVALID_ARGUMENT (${detail}); check ${variable}: projects/PROJECT/secrets/NAME/versions/VERSION`,
        status,
      )
    case 4:
    case 14:
    case 8:
    case 1:
      return new SecretReadError(
        'secret_unreachable',
        variable,
        versionName,
        `${where} failed: ${status} after up to ${timeoutMs} ms (${detail}); check that ${endpoint} is reachable ` +
          `from the runtime (egress/firewall, Private Google Access) and retry`,
        status,
      )
    default:
      break
  }
  // Before any request the only thing that can fail without a gRPC status is
  // getting Google credentials (ADC).
  if (numeric === undefined && (phase === 'init' || /default credentials/i.test(detail))) {
    return new SecretReadError(
      'secret_no_credentials',
      variable,
      versionName,
      `${where} failed: no Google credentials (${detail}); run with a service account (Cloud Run, GKE Workload Identity) ` +
        `or check GOOGLE_APPLICATION_CREDENTIALS, or locally run gcloud auth application-default login, or set ${setting} directly instead of ${variable}`,
    )
  }
  return new SecretReadError(
    'secret_read_failed',
    variable,
    versionName,
    `${where} failed: ${status ?? 'error'} (${detail}); check ${variable} and the runtime's access to Secret Manager`,
    status,
  )
}

function secretIdOf(versionName: string): string {
  return versionName.split('/')[3] ?? 'NAME'
}

/** `OPENAI_API_KEY` → `OPENAI_API_KEY_SECRET`, the setting that named the version. */
function secretVariable(setting: string): string {
  return `${setting}_SECRET`
}

/** The first line of the underlying error's message, shortened; never a response payload. */
function errorDetail(err: unknown): string {
  const raw =
    (err as { details?: unknown })?.details && typeof (err as { details?: unknown }).details === 'string'
      ? String((err as { details: string }).details)
      : err instanceof Error
        ? err.message
        : String(err)
  return truncate(oneLine(raw), 300) || 'no details'
}

function oneLine(s: string): string {
  return s.replace(/\s*[\r\n]+\s*/g, ' ').trim()
}

function truncate(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s
}
