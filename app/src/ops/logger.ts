/** pino JSON logs on stdout, shaped for Cloud Logging (`severity`, `message`), with secrets redacted. */
import pino, { type Logger } from 'pino'

const SEVERITY: Record<string, string> = {
  trace: 'DEBUG',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARNING',
  error: 'ERROR',
  fatal: 'CRITICAL',
}

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
      // Belt and braces: nothing should log these, but if an object carrying one slips in, it is masked.
      redact: {
        paths: ['apiKey', '*.apiKey', 'authorization', '*.authorization', 'headers.authorization', 'token', '*.token', 'password', '*.password'],
        censor: '[redacted]',
      },
    },
    destination ?? pino.destination({ sync: false }),
  )
}
