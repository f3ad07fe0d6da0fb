import { describe, expect, it } from 'vitest'
import { formatTraceparent, incomingTrace, newTrace, parseCloudTraceContext, parseTraceparent } from './trace-context.js'

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736'

describe('parseTraceparent', () => {
  it('reads the trace id, the parent span id and the sampled flag', () => {
    expect(parseTraceparent(`00-${TRACE}-00f067aa0ba902b7-01`)).toEqual({ traceId: TRACE, spanId: '00f067aa0ba902b7', sampled: true })
    expect(parseTraceparent(`00-${TRACE}-00f067aa0ba902b7-00`)?.sampled).toBe(false)
  })

  it('reads a later version the version-00 way, ignoring what follows', () => {
    expect(parseTraceparent(`01-${TRACE}-00f067aa0ba902b7-01-extra`)?.traceId).toBe(TRACE)
  })

  it('refuses malformed, all-zero, version ff and uppercase values', () => {
    for (const bad of [
      undefined,
      '',
      'garbage',
      `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`,
      `00-${TRACE}-${'0'.repeat(16)}-01`,
      `ff-${TRACE}-00f067aa0ba902b7-01`,
      `00-${TRACE.toUpperCase()}-00f067aa0ba902b7-01`,
      `00-${TRACE}-00f067aa0ba902b7-01-extra`,
    ]) {
      expect(parseTraceparent(bad), String(bad)).toBeUndefined()
    }
  })
})

describe('parseCloudTraceContext', () => {
  it('reads TRACE/SPAN;o=1 with the span id in decimal', () => {
    expect(parseCloudTraceContext(`${TRACE}/1;o=1`)).toEqual({ traceId: TRACE, spanId: '0000000000000001', sampled: true })
    expect(parseCloudTraceContext(`${TRACE}/18446744073709551615;o=0`)).toEqual({ traceId: TRACE, spanId: 'ffffffffffffffff', sampled: false })
  })

  it('makes up a span id when only the trace is given', () => {
    const trace = parseCloudTraceContext(TRACE.toUpperCase())
    expect(trace?.traceId).toBe(TRACE)
    expect(trace?.spanId).toMatch(/^[0-9a-f]{16}$/)
    expect(trace?.sampled).toBe(false)
  })

  it('refuses span ids over 64 bits and malformed values', () => {
    expect(parseCloudTraceContext(`${TRACE}/18446744073709551616;o=1`)).toBeUndefined()
    expect(parseCloudTraceContext('abc/1;o=1')).toBeUndefined()
  })
})

describe('incomingTrace', () => {
  it('prefers traceparent, falls back to X-Cloud-Trace-Context', () => {
    const headers: Record<string, string> = { traceparent: `00-${TRACE}-00f067aa0ba902b7-01`, 'x-cloud-trace-context': `${'a'.repeat(32)}/5;o=1` }
    expect(incomingTrace((n) => headers[n])?.traceId).toBe(TRACE)
    delete headers.traceparent
    expect(incomingTrace((n) => headers[n])?.traceId).toBe('a'.repeat(32))
  })
})

describe('formatTraceparent and newTrace', () => {
  it('round-trips', () => {
    const trace = newTrace(true)
    expect(parseTraceparent(formatTraceparent(trace))).toEqual(trace)
  })
})
