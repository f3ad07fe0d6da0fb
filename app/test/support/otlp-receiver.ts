/** A local OTLP/HTTP trace receiver (JSON encoding): what the server's real exporter sends, decoded into spans. */
import { EventEmitter } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

type AnyValue = { stringValue?: string; intValue?: string | number; doubleValue?: number; boolValue?: boolean; arrayValue?: { values?: AnyValue[] } }

export interface ReceivedSpan {
  traceId: string
  spanId: string
  parentSpanId: string | undefined
  name: string
  kind: number
  attributes: Record<string, unknown>
  status: { code?: number }
  resource: Record<string, unknown>
}

export interface OtlpReceiver {
  /** The traces URL to give OTEL_EXPORTER_OTLP_TRACES_ENDPOINT. */
  url: string
  /** The base URL to give OTEL_EXPORTER_OTLP_ENDPOINT. */
  base: string
  spans: ReceivedSpan[]
  contentTypes: string[]
  /** Resolves once a span matching `match` arrived (or already had). */
  waitFor(match: (span: ReceivedSpan) => boolean): Promise<ReceivedSpan>
  close(): Promise<void>
}

function valueOf(value: AnyValue | undefined): unknown {
  if (!value) return undefined
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(valueOf)
  if (value.intValue !== undefined) return Number(value.intValue)
  return value.stringValue ?? value.doubleValue ?? value.boolValue
}

function attributesOf(list: { key: string; value: AnyValue }[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((a) => [a.key, valueOf(a.value)]))
}

interface ExportRequest {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value: AnyValue }[] }
    scopeSpans?: { spans?: { traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; attributes?: { key: string; value: AnyValue }[]; status?: { code?: number } }[] }[]
  }[]
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = []
  const contentTypes: string[] = []
  const arrived = new EventEmitter()
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      contentTypes.push(String(req.headers['content-type']))
      if (req.url !== '/v1/traces' || req.headers['content-type'] !== 'application/json') {
        res.writeHead(415).end()
        return
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ExportRequest
      for (const rs of body.resourceSpans ?? []) {
        const resource = attributesOf(rs.resource?.attributes)
        for (const ss of rs.scopeSpans ?? []) {
          for (const s of ss.spans ?? []) {
            spans.push({
              traceId: s.traceId,
              spanId: s.spanId,
              parentSpanId: s.parentSpanId || undefined,
              name: s.name,
              kind: s.kind,
              attributes: attributesOf(s.attributes),
              status: s.status ?? {},
              resource,
            })
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
      arrived.emit('spans')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url: `${base}/v1/traces`,
    base,
    spans,
    contentTypes,
    waitFor(match) {
      return new Promise((resolve) => {
        const check = () => {
          const found = spans.find(match)
          if (!found) return
          arrived.off('spans', check)
          resolve(found)
        }
        arrived.on('spans', check)
        check()
      })
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
