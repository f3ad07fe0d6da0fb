/** The trace of the request or answer running now (AsyncLocalStorage), as the fields Cloud Logging joins log lines by. */
import { AsyncLocalStorage } from 'node:async_hooks'
import type { TraceContext } from './trace-context.js'

export interface TraceScope {
  trace: TraceContext
  /** GOOGLE_CLOUD_PROJECT: Cloud Logging wants the trace as `projects/P/traces/ID`; without it the id goes in `traceId`. */
  project: string | undefined
  /** Set by the tracer when the scope has a recording span (children are made under it). */
  span?: unknown
}

const storage = new AsyncLocalStorage<TraceScope>()

export function currentScope(): TraceScope | undefined {
  return storage.getStore()
}

export function runInScope<T>(scope: TraceScope, fn: () => T): T {
  return storage.run(scope, fn)
}

/** Fields for every log line written inside a scope (pino's mixin); none outside one. */
export function traceLogFields(): Record<string, unknown> {
  const scope = storage.getStore()
  if (!scope) return {}
  return cloudLoggingTraceFields(scope.trace, scope.project)
}

export function cloudLoggingTraceFields(trace: TraceContext, project: string | undefined): Record<string, unknown> {
  return {
    // A bare id in Cloud Logging's field would link nowhere; off Google Cloud a plain field is as greppable.
    ...(project ? { 'logging.googleapis.com/trace': `projects/${project}/traces/${trace.traceId}` } : { traceId: trace.traceId }),
    'logging.googleapis.com/spanId': trace.spanId,
    'logging.googleapis.com/trace_sampled': trace.sampled,
  }
}
