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
      mixinMergeStrategy: mergeTraceFields,
      hooks: { logMethod: shapeErrorsForErrorReporting },
    },
    destination ?? stdoutDestination(),
  )
}

/**
 * stdout through pino's own asynchronous sonic-boom (flushed on exit as before), given each line as bytes. In
 * its text mode sonic-boom appends a line to the pending text and then measures the bytes of all of it, which
 * copies the whole pending text (up to 16 KB) for every line logged while a write is in flight: a burst of
 * 2000 connections left 36 MB of such copies (docs/benchmarks.md, Round 7). Bytes are counted, not copied.
 */
function stdoutDestination(): pino.DestinationStream & { flush(cb?: (err?: Error) => unknown): void } {
  const boom = pino.destination({ sync: false, contentMode: 'buffer' })
  return {
    // Called through `boom` each time: on EPIPE pino replaces boom.write with a no-op.
    write: (line: string) => boom.write(Buffer.from(line) as unknown as string),
    flush: (cb) => boom.flush(cb),
  }
}

/**
 * The trace fields first, then the line's own (which win on a clash), in a new object: what pino's default
 * (Object.assign of the line's fields onto the mixin's object) gives, at about 1 us a line less, because adding
 * a dozen keys to an object made with others costs V8 more than one spread literal.
 */
function mergeTraceFields(line: object, trace: object): object {
  return { ...trace, ...line }
}

/** Keys whose values are masked, wherever they are in a logged object. */
const SECRET_KEYS = new Set(['apiKey', 'authorization', 'token', 'password'])
export const REDACTED = '[redacted]'

/**
 * Belt and braces: nothing should log a secret, but if an object carrying one slips in, it is masked, at any
 * depth. The logged object is never changed: when a secret is found, what leads to it is copied (cycles
 * included) and the copy masked. Finding none allocates nothing but the walk's path. pino's own `redact` with
 * wildcard paths made a tenth of the server's garbage at load (docs/benchmarks.md) and looked one level down.
 */
export function redactSecrets(object: Record<string, unknown>): Record<string, unknown> {
  return reachesSecret(object, []) ? (maskedCopy(object, new Map()) as Record<string, unknown>) : object
}

/** Objects walked into: not a Buffer or typed array, whose index keys hold no names and can be millions. */
const isWalked = (value: unknown): value is object => value !== null && typeof value === 'object' && !ArrayBuffer.isView(value)

function reachesSecret(value: object, path: object[]): boolean {
  // A cycle: whatever it reaches is reached from where it started.
  if (path.includes(value)) return false
  path.push(value)
  try {
    for (const key of Object.keys(value)) {
      if (SECRET_KEYS.has(key)) return true
      const inner = (value as Record<string, unknown>)[key]
      if (isWalked(inner) && reachesSecret(inner, path)) return true
    }
    return false
  } finally {
    path.pop()
  }
}

/** The value with every secret masked; objects with properties of their own are copied (an Error stays an Error), others kept. */
function maskedCopy(value: object, copies: Map<object, object>): object {
  const known = copies.get(value)
  if (known) return known
  // A Date, a URL, a Map: nothing of their own to mask, and a copy would lose what makes them print.
  if (Object.keys(value).length === 0) return value
  if (Array.isArray(value)) {
    const items: unknown[] = []
    copies.set(value, items)
    for (const item of value as unknown[]) items.push(isWalked(item) ? maskedCopy(item, copies) : item)
    return items
  }
  const copy = copyOf(value)
  copies.set(value, copy)
  for (const key of Object.keys(value)) {
    const inner = copy[key]
    if (SECRET_KEYS.has(key)) copy[key] = REDACTED
    else if (isWalked(inner)) copy[key] = maskedCopy(inner, copies)
  }
  return copy
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
