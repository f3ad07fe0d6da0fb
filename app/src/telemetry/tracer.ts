/** OpenTelemetry spans exported over OTLP/HTTP, loaded only when an endpoint is configured (nothing is imported otherwise). */
import type { Logger } from 'pino'
import type { TelemetrySettings } from '../config/config.js'
import type { TraceContext } from './trace-context.js'

export type SpanAttributes = Record<string, string | number | boolean | string[] | undefined>

/** One span, whatever the SDK: the server's code sees only this. */
export interface SpanHandle {
  readonly context: TraceContext
  set(attributes: SpanAttributes): void
  rename(name: string): void
  /** An error status with the error's type (never its message: it may quote the question). */
  fail(error: unknown): void
  end(): void
}

export interface SpanStart {
  kind?: 'server' | 'client' | 'internal'
  /** A span of ours (its handle), or the caller's trace from a header; none = a new trace. */
  parent?: SpanHandle | TraceContext | undefined
  attributes?: SpanAttributes
}

export interface Tracer {
  start(name: string, options?: SpanStart): SpanHandle
  /** Sends what is buffered now (before a Cloud Run instance may lose its CPU). */
  flush(): Promise<void>
  shutdown(): Promise<void>
}

/** Cloud Trace's OTLP endpoint: requests need the service account's token. */
const GOOGLE_OTLP_HOST = 'telemetry.googleapis.com'

/** The tracer, or undefined when no endpoint is set: then no SDK module is even loaded. */
export async function createTracer(settings: TelemetrySettings, version: string, logger: Logger): Promise<Tracer | undefined> {
  if (!settings.tracesEndpoint) return undefined
  const [api, sdk, { OTLPTraceExporter }, { resourceFromAttributes }] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ])
  const endpoint = settings.tracesEndpoint
  const headers = new URL(endpoint).hostname === GOOGLE_OTLP_HOST ? await googleAuthHeaders(settings.project, logger) : undefined
  const exporter = new OTLPTraceExporter({ url: endpoint, ...(headers ? { headers } : {}) })
  const provider = new sdk.BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': settings.serviceName,
      'service.version': version,
      ...(settings.project ? { 'gcp.project_id': settings.project } : {}),
    }),
    sampler: samplerOf(sdk, settings),
    spanProcessors: [new sdk.BatchSpanProcessor(exporter)],
  })
  const tracer = provider.getTracer('hedera-playground-assistant', version)
  const KIND = { server: api.SpanKind.SERVER, client: api.SpanKind.CLIENT, internal: api.SpanKind.INTERNAL }
  const spans = new WeakMap<SpanHandle, import('@opentelemetry/api').Span>()

  function parentContext(parent: SpanStart['parent']) {
    if (!parent) return api.ROOT_CONTEXT
    const own = spans.get(parent as SpanHandle)
    if (own) return api.trace.setSpan(api.ROOT_CONTEXT, own)
    const remote = parent as TraceContext
    return api.trace.setSpanContext(api.ROOT_CONTEXT, {
      traceId: remote.traceId,
      spanId: remote.spanId,
      traceFlags: remote.sampled ? api.TraceFlags.SAMPLED : api.TraceFlags.NONE,
      isRemote: true,
    })
  }

  logger.info({ event: 'tracing', endpoint: new URL(endpoint).origin, sampler: settings.sampler, ratio: settings.samplerRatio }, 'exporting traces over OTLP/HTTP')
  return {
    start(name, options = {}) {
      const span = tracer.startSpan(name, { kind: KIND[options.kind ?? 'internal'], attributes: defined(options.attributes) }, parentContext(options.parent))
      const context = span.spanContext()
      const handle: SpanHandle = {
        context: { traceId: context.traceId, spanId: context.spanId, sampled: (context.traceFlags & api.TraceFlags.SAMPLED) === 1 },
        set: (attributes) => void span.setAttributes(defined(attributes)),
        rename: (name) => void span.updateName(name),
        fail(error) {
          span.setStatus({ code: api.SpanStatusCode.ERROR })
          span.setAttribute('error.type', errorType(error))
        },
        end: () => span.end(),
      }
      spans.set(handle, span)
      return handle
    },
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  }
}

type Sdk = typeof import('@opentelemetry/sdk-trace-base')

function samplerOf(sdk: Sdk, settings: TelemetrySettings) {
  const ratio = new sdk.TraceIdRatioBasedSampler(settings.samplerRatio)
  switch (settings.sampler) {
    case 'always_on':
      return new sdk.AlwaysOnSampler()
    case 'always_off':
      return new sdk.AlwaysOffSampler()
    case 'traceidratio':
      return ratio
    case 'parentbased_always_off':
      return new sdk.ParentBasedSampler({ root: new sdk.AlwaysOffSampler() })
    case 'parentbased_traceidratio':
      return new sdk.ParentBasedSampler({ root: ratio })
    case 'parentbased_always_on':
      return new sdk.ParentBasedSampler({ root: new sdk.AlwaysOnSampler() })
  }
}

/** The service account's access token (google-auth-library, already installed by the Secret Manager client). */
async function googleAuthHeaders(project: string | undefined, logger: Logger): Promise<() => Promise<Record<string, string>>> {
  const { GoogleAuth } = await import('google-auth-library')
  const auth = new GoogleAuth({ scopes: ['https://www.googleapis.com/auth/cloud-platform'] })
  return async function googleHeaders() {
    try {
      const token = await auth.getAccessToken()
      return { authorization: `Bearer ${token}`, ...(project ? { 'x-goog-user-project': project } : {}) }
    } catch (err) {
      // The factory must not throw: the export fails (and is dropped) instead of the answer.
      logger.warn({ event: 'tracing_auth_failed', error: err instanceof Error ? err.message : String(err) }, 'no Google credentials for Cloud Trace; spans are dropped')
      return {}
    }
  }
}

function defined(attributes: SpanAttributes | undefined): Record<string, string | number | boolean | string[]> {
  const out: Record<string, string | number | boolean | string[]> = {}
  for (const [key, value] of Object.entries(attributes ?? {})) if (value !== undefined) out[key] = value
  return out
}

function errorType(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string') return error.code
  return error instanceof Error ? error.name : 'Error'
}
