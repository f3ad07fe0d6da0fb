/** Prometheus metrics (prom-client) on a registry of the server's own, so several servers can share a process. */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { AnswerHooks } from '../chat/answer-service.js'

export interface Metrics {
  registry: Registry
  hooks: AnswerHooks
  frameRejected(reason: string): void
  rateLimited(limit: string): void
  heartbeatTerminated(): void
  authRefused(transport: string): void
  /** A socket closed because it stopped reading (outbound buffer over WS_MAX_BUFFERED_BYTES). */
  sendOverflow(): void
}

export function createMetrics(sources: { openSockets: () => number; answersInFlight: () => number }): Metrics {
  const registry = new Registry()
  // Includes nodejs_eventloop_lag_seconds and its percentiles, heap and GC figures.
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 })
  const prefix = 'assistant_'
  new Gauge({
    name: `${prefix}open_sockets`,
    help: 'Open WebSocket connections',
    registers: [registry],
    collect() {
      this.set(sources.openSockets())
    },
  })
  new Gauge({
    name: `${prefix}answers_in_flight`,
    help: 'Answers streaming now',
    registers: [registry],
    collect() {
      this.set(sources.answersInFlight())
    },
  })
  const answers = new Counter({ name: `${prefix}answers_total`, help: 'Answers by outcome', labelNames: ['outcome'], registers: [registry] })
  const ttft = new Histogram({
    name: `${prefix}time_to_first_token_seconds`,
    help: 'Time from the question to the first token',
    buckets: [0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32],
    registers: [registry],
  })
  const duration = new Histogram({
    name: `${prefix}answer_duration_seconds`,
    help: 'Time from the question to the end of the answer',
    buckets: [0.5, 1, 2, 5, 10, 20, 40, 80, 160, 320],
    registers: [registry],
  })
  const tokens = new Counter({ name: `${prefix}tokens_total`, help: 'Tokens by kind (prompt, completion)', labelNames: ['kind'], registers: [registry] })
  const upstreamErrors = new Counter({ name: `${prefix}upstream_errors_total`, help: 'Failed answers by error code', labelNames: ['code'], registers: [registry] })
  const rejected = new Counter({ name: `${prefix}frames_rejected_total`, help: 'Client frames rejected, by reason', labelNames: ['reason'], registers: [registry] })
  const limited = new Counter({ name: `${prefix}rate_limited_total`, help: 'Refusals by limit', labelNames: ['limit'], registers: [registry] })
  const heartbeats = new Counter({ name: `${prefix}heartbeat_terminations_total`, help: 'Sockets terminated for a missed heartbeat', registers: [registry] })
  const overflows = new Counter({ name: `${prefix}ws_send_overflow_total`, help: 'Sockets closed because the peer stopped reading (outbound buffer full)', registers: [registry] })
  const authRefusals = new Counter({ name: `${prefix}auth_refused_total`, help: 'Requests refused for a missing or bad credential', labelNames: ['transport'], registers: [registry] })

  return {
    registry,
    hooks: {
      firstToken: (_answer, ms) => ttft.observe(ms / 1000),
      finished(_answer, outcome, info) {
        answers.inc({ outcome })
        duration.observe(info.durationMs / 1000)
        tokens.inc({ kind: 'prompt' }, info.usage.promptTokens)
        tokens.inc({ kind: 'completion' }, info.usage.completionTokens)
        if (info.code) upstreamErrors.inc({ code: info.code })
      },
    },
    frameRejected: (reason) => rejected.inc({ reason }),
    rateLimited: (limit) => limited.inc({ limit }),
    heartbeatTerminated: () => heartbeats.inc(),
    authRefused: (transport) => authRefusals.inc({ transport }),
    sendOverflow: () => overflows.inc(),
  }
}
