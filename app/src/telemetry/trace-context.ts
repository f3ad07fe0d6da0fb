/** W3C `traceparent` and Google's `X-Cloud-Trace-Context`: parsed into one TraceContext, formatted back, fresh ids. */
import { randomFillSync } from 'node:crypto'

export interface TraceContext {
  /** 32 lowercase hex digits, never all zero. */
  traceId: string
  /** 16 lowercase hex digits, never all zero. */
  spanId: string
  sampled: boolean
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-.*)?$/
const CLOUD_TRACE = /^([0-9a-fA-F]{32})(?:\/(\d{1,20}))?(?:;o=([01]))?$/
const ZERO_TRACE = '0'.repeat(32)
const ZERO_SPAN = '0'.repeat(16)

/** A `traceparent` header (version 00, or a later version read the 00 way as the spec asks); undefined when invalid. */
export function parseTraceparent(header: string | undefined): TraceContext | undefined {
  const match = header ? TRACEPARENT.exec(header.trim()) : null
  if (!match) return undefined
  const [, version, traceId, spanId, flags] = match as unknown as [string, string, string, string, string]
  if (version === 'ff' || (version === '00' && header!.trim().length !== 55)) return undefined
  if (traceId === ZERO_TRACE || spanId === ZERO_SPAN) return undefined
  return { traceId, spanId, sampled: (parseInt(flags, 16) & 1) === 1 }
}

/** `X-Cloud-Trace-Context: TRACE_ID/SPAN_ID;o=OPTIONS` (span id in decimal); undefined when invalid. */
export function parseCloudTraceContext(header: string | undefined): TraceContext | undefined {
  const match = header ? CLOUD_TRACE.exec(header.trim()) : null
  if (!match) return undefined
  const traceId = match[1]!.toLowerCase()
  if (traceId === ZERO_TRACE) return undefined
  let spanId: string
  try {
    spanId = match[2] ? BigInt(match[2]).toString(16).padStart(16, '0') : newSpanId()
  } catch {
    return undefined
  }
  if (spanId.length > 16 || spanId === ZERO_SPAN) return undefined
  return { traceId, spanId, sampled: match[3] === '1' }
}

/** The caller's trace: `traceparent` first (the standard, and what Cloud Run forwards), then Google's own header. */
export function incomingTrace(header: (name: string) => string | undefined): TraceContext | undefined {
  return parseTraceparent(header('traceparent')) ?? parseCloudTraceContext(header('x-cloud-trace-context'))
}

export function formatTraceparent(trace: TraceContext): string {
  return `00-${trace.traceId}-${trace.spanId}-${trace.sampled ? '01' : '00'}`
}

export function newTraceId(): string {
  return nonZeroHex(16)
}

export function newSpanId(): string {
  return nonZeroHex(8)
}

/** A new trace (no caller's): the lines of one answer still join under one id. */
export function newTrace(sampled = false): TraceContext {
  return { traceId: newTraceId(), spanId: newSpanId(), sampled }
}

// Ids come from one pool of random bytes refilled 4 KiB at a time: a system call per id cost more than the
// rest of an answer's tracing.
const pool = Buffer.alloc(4096)
let used = pool.length

function nonZeroHex(bytes: number): string {
  for (;;) {
    if (used + bytes > pool.length) {
      randomFillSync(pool)
      used = 0
    }
    const hex = pool.toString('hex', used, (used += bytes))
    if (!/^0+$/.test(hex)) return hex
  }
}
