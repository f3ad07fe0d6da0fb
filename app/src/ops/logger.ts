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
      },
      // The trace of the request or answer being served, on every line written while it runs.
      mixin: traceLogFields,
      hooks: { logMethod: shapeErrorsForErrorReporting },
      // Belt and braces: nothing should log these, but if an object carrying one slips in, it is masked.
      redact: {
        paths: ['apiKey', '*.apiKey', 'authorization', '*.authorization', 'headers.authorization', 'token', '*.token', 'password', '*.password'],
        censor: '[redacted]',
      },
    },
    destination ?? pino.destination({ sync: false }),
  )
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
