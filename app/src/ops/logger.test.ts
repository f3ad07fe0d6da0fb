import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { runInScope } from '../telemetry/log-context.js'
import { createLogger, REDACTED, REPORTED_ERROR_EVENT } from './logger.js'

function capture() {
  const lines: Record<string, unknown>[] = []
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>)
      done()
    },
  })
  return { lines, logger: createLogger('debug', sink) }
}
const trace = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', sampled: true }

describe('createLogger', () => {
  it('writes severity and message', () => {
    const { lines, logger } = capture()
    logger.warn({ event: 'x' }, 'careful')
    expect(lines[0]).toMatchObject({ severity: 'WARNING', message: 'careful', event: 'x' })
    expect(lines[0]).not.toHaveProperty('logging.googleapis.com/spanId')
  })

  it('adds the trace fields of the scope to every line, with the project when known', () => {
    const { lines, logger } = capture()
    runInScope({ trace, project: 'my-proj' }, () => logger.info('inside'))
    runInScope({ trace, project: undefined }, () => logger.debug('no project'))
    expect(lines[0]).toMatchObject({
      'logging.googleapis.com/trace': `projects/my-proj/traces/${trace.traceId}`,
      'logging.googleapis.com/spanId': trace.spanId,
      'logging.googleapis.com/trace_sampled': true,
    })
    expect(lines[1]).toMatchObject({ traceId: trace.traceId, 'logging.googleapis.com/spanId': trace.spanId })
    expect(lines[1]).not.toHaveProperty('logging.googleapis.com/trace')
  })

  it("puts the trace fields before the line's own, lets the line's win, and leaves the logged object as it was", () => {
    const { lines, logger } = capture()
    const fields = { event: 'answer', traceId: 'given-by-the-caller', deltas: 3 }
    runInScope({ trace, project: undefined }, () => logger.info(fields, 'done'))
    expect(lines[0]).toMatchObject({ traceId: 'given-by-the-caller', 'logging.googleapis.com/spanId': trace.spanId, event: 'answer', deltas: 3 })
    const keys = Object.keys(lines[0]!)
    expect(keys.indexOf('logging.googleapis.com/spanId')).toBeLessThan(keys.indexOf('event'))
    expect(fields).toEqual({ event: 'answer', traceId: 'given-by-the-caller', deltas: 3 })
  })

  it('shapes logged errors for Error Reporting: @type and the stack in the message', () => {
    const { lines, logger } = capture()
    logger.error({ err: new Error('boom'), messageId: 'm1' }, 'answer failed unexpectedly')
    logger.warn({ err: new Error('minor') }, 'retrying')
    expect(lines[0]!['@type']).toBe(REPORTED_ERROR_EVENT)
    expect(lines[0]!.message).toMatch(/^answer failed unexpectedly\nError: boom\n\s+at /)
    expect(lines[0]).toMatchObject({ severity: 'ERROR', messageId: 'm1' })
    expect(lines[1]).not.toHaveProperty('@type')
    expect(lines[1]!.message).toBe('retrying')
  })

  it('masks secrets in a logged object, and leaves the logged object as it was', () => {
    const { lines, logger } = capture()
    const request = { headers: { authorization: 'Bearer sk-live-1', accept: 'text/event-stream' }, url: '/v1/chat' }
    const logged = { apiKey: 'sk-live-2', token: 't', password: 'p', authorization: 'Basic x', request, user: { id: 'u1', token: 'ut' }, count: 3 }
    logger.info(logged, 'hello')
    const line = JSON.stringify(lines[0])
    for (const secret of ['sk-live-1', 'sk-live-2', 'Basic x', '"ut"', '"t"', '"p"']) expect(line).not.toContain(secret)
    expect(lines[0]).toMatchObject({ apiKey: REDACTED, token: REDACTED, password: REDACTED, authorization: REDACTED, user: { id: 'u1', token: REDACTED }, count: 3 })
    expect(lines[0]).toMatchObject({ request: { headers: { authorization: REDACTED, accept: 'text/event-stream' }, url: '/v1/chat' } })
    expect(logged.apiKey).toBe('sk-live-2')
    expect(request.headers.authorization).toBe('Bearer sk-live-1')
    expect(logged.user.token).toBe('ut')
  })

  it('survives an object that refers to itself, masking what it can reach', () => {
    const { lines, logger } = capture()
    const cyclic: Record<string, unknown> = { name: 'loop', token: 'deep' }
    cyclic.self = cyclic
    logger.info({ cyclic, token: 'x' }, 'cycle')
    expect(lines[0]).toMatchObject({ token: REDACTED, cyclic: { name: 'loop', token: REDACTED } })
    expect(JSON.stringify(lines[0])).not.toContain('deep')
    // Deeper than any fixed bound, in an array, beside values that print through toJSON.
    const deep = { a: { b: { c: { d: { e: { items: [{ when: new Date(0), at: new URL('https://example.test/x'), password: 'pw' }] } } } } } }
    logger.info(deep, 'deep')
    expect(JSON.stringify(lines[1])).not.toContain('"pw"')
    expect(lines[1]).toMatchObject({ a: { b: { c: { d: { e: { items: [{ when: '1970-01-01T00:00:00.000Z', at: 'https://example.test/x', password: REDACTED }] } } } } } })
    expect(deep.a.b.c.d.e.items[0]!.password).toBe('pw')
    expect(cyclic.token).toBe('deep')
  })

  it('masks a secret an error carries and still logs it as an error', () => {
    const { lines, logger } = capture()
    const err = Object.assign(new Error('refused'), { token: 'secret-token', status: 401 })
    logger.warn({ err }, 'upstream refused')
    expect(JSON.stringify(lines[0])).not.toContain('secret-token')
    expect(lines[0]).toMatchObject({ err: { type: 'Error', message: 'refused', status: 401, token: REDACTED } })
    expect((lines[0]!.err as { stack: string }).stack).toMatch(/^Error: refused\n/)
    expect(err.token).toBe('secret-token')
  })
})
