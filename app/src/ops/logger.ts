/** pino JSON logs on stdout, shaped for Cloud Logging (`severity`, `message`, trace fields, errors for Error Reporting), with secrets redacted. */
import pino, { type Logger } from 'pino'
import { traceLogFields } from '../telemetry/log-context.js'

const SEVERITY: Record<string, string> = {
  trace: 'DEBUG',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARNING',
  error: 'ERROR',
  fatal: 'CRITICAL',
}

/** Error Reporting picks up any entry of this type; the stack in `message` groups occurrences. */
export const REPORTED_ERROR_EVENT = 'type.googleapis.com/google.devtools.clouderrorreporting.v1beta1.ReportedErrorEvent'
const ERROR_LEVEL = 50

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      messageKey: 'message',
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ severity: SEVERITY[label] ?? 'DEFAULT' }),
        log: redactSecrets,
      },
      // The trace of the request or answer being served, on every line written while it runs.
      mixin: traceLogFields,
      hooks: { logMethod: shapeErrorsForErrorReporting },
    },
    destination ?? pino.destination({ sync: false }),
  )
}

/** Keys whose values are masked, wherever they are in a logged object (within MASK_DEPTH levels). */
const SECRET_KEYS = new Set(['apiKey', 'authorization', 'token', 'password'])
export const REDACTED = '[redacted]'
/** Levels of nesting looked into: a request's `headers.authorization` is two down; deeper is not logged here. */
const MASK_DEPTH = 4

/**
 * Belt and braces: nothing should log a secret, but if an object carrying one slips in, it is masked. The logged
 * object is never changed (what holds a secret is copied, then masked) and nothing is allocated when there is
 * nothing to mask. pino's own `redact` with wildcard paths made a tenth of the server's garbage at load
 * (docs/benchmarks.md) and looked one level down only.
 */
export function redactSecrets(object: Record<string, unknown>): Record<string, unknown> {
  return masked(object, MASK_DEPTH) as Record<string, unknown>
}

/** `value` itself when nothing in it is secret, else a copy with the secrets masked (same prototype: an Error stays one). */
function masked(value: object, depth: number): object {
  let copy: Record<string, unknown> | undefined
  for (const key of Object.keys(value)) {
    const inner = (value as Record<string, unknown>)[key]
    let replacement: unknown = inner
    if (SECRET_KEYS.has(key)) replacement = REDACTED
    else if (depth > 1 && inner !== null && typeof inner === 'object') replacement = masked(inner, depth - 1)
    if (replacement === inner) continue
    copy ??= copyOf(value)
    copy[key] = replacement
  }
  return copy ?? value
}

/** Own properties read through the original (an Error's `stack` and `message` too), as plain data properties. */
function copyOf(value: object): Record<string, unknown> {
  const copy = Object.create(Object.getPrototypeOf(value) as object | null) as Record<string, unknown>
  for (const key of Object.getOwnPropertyNames(value)) {
    const enumerable = Object.prototype.propertyIsEnumerable.call(value, key)
    Object.defineProperty(copy, key, { value: (value as Record<string, unknown>)[key], enumerable, writable: true, configurable: true })
  }
  return copy
}

/**
 * An error logged with `{ err }` at error level or above gets `@type` ReportedErrorEvent and its stack after the
 * message (Error Reporting reads the stack from `message`); `err` stays for people reading the line.
 */
function shapeErrorsForErrorReporting(this: Logger, args: Parameters<pino.LogFn>, method: pino.LogFn, level: number): void {
  const [first, ...rest] = args as unknown[]
  const err = level >= ERROR_LEVEL && first && typeof first === 'object' ? (first as { err?: unknown }).err : undefined
  if (!(err instanceof Error) || !err.stack) {
    method.apply(this, args)
    return
  }
  const text = typeof rest[0] === 'string' ? rest[0] : err.message
  method.call(this, { ...(first as object), '@type': REPORTED_ERROR_EVENT }, `${text}\n${err.stack}`)
}
