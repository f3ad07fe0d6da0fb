import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeOpenAi, type FakeOpenAi } from './support/fake-openai.js'
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver.js'
import { collectSse, postChat } from './support/sse-client.js'
import { startTestServer, upstreamEnv, type TestServer } from './support/server.js'
import { connect, deltaText } from './support/ws-client.js'

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736'
const CALLER_SPAN = '00f067aa0ba902b7'
const QUESTION = 'How do I create a topic and submit a message?'

let fake: FakeOpenAi
let receiver: OtlpReceiver

beforeAll(async () => {
  fake = await startFakeOpenAi()
  receiver = await startOtlpReceiver()
})
afterAll(async () => {
  await receiver.close()
  await fake.close()
})

async function ask(srv: TestServer, messageId: string, headers: Record<string, string>) {
  const res = await postChat(srv.http, { content: QUESTION, messageId }, headers)
  expect(res.status).toBe(200)
  return collectSse(res)
}

describe('traces over OTLP/HTTP', () => {
  let srv: TestServer
  beforeAll(async () => {
    srv = await startTestServer(upstreamEnv(fake.url, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.base, OTEL_SERVICE_NAME: 'assistant-under-test', GOOGLE_CLOUD_PROJECT: 'test-project-1' }))
  })
  afterAll(() => srv.close())

  it("one answer is one span tree under the caller's traceparent, with GenAI attributes and no content", async () => {
    const events = await ask(srv, 'trace-m1', { traceparent: `00-${TRACE}-${CALLER_SPAN}-01` })
    const answerText = deltaText(events.map((e) => e.frame))
    expect(answerText).toBe(fake.answerFor(QUESTION))
    const answer = await receiver.waitFor((s) => s.name === 'answer' && s.attributes['app.message_id'] === 'trace-m1')
    await receiver.waitFor((s) => s.name === 'stream to client' && s.parentSpanId === answer.spanId)
    const tree = receiver.spans.filter((s) => s.traceId === TRACE)
    const byName = (name: string) => tree.filter((s) => s.name === name)
    const request = byName('POST /api/playground/assistant/chat')[0]!
    expect(request).toMatchObject({ parentSpanId: CALLER_SPAN, kind: 2, attributes: { 'http.route': '/api/playground/assistant/chat', 'http.response.status_code': 200 } })
    expect(request.resource).toMatchObject({ 'service.name': 'assistant-under-test', 'service.version': '1.0.0-test' })
    expect(answer.parentSpanId).toBe(request.spanId)
    const children = (parent: ReceivedSpan) => tree.filter((s) => s.parentSpanId === parent.spanId).map((s) => s.name).sort()
    expect(children(request)).toEqual(['admission identity', 'admission limits', 'answer'])
    expect(children(answer)).toEqual(['admission claim', 'chat gpt-4o', 'code check', 'retrieval', 'stream to client'].sort())
    const model = byName('chat gpt-4o')[0]!
    expect(model.kind).toBe(3)
    expect(model.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.response.model': expect.any(String) as unknown,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': expect.any(Number) as unknown,
      'gen_ai.usage.output_tokens': expect.any(Number) as unknown,
    })
    expect(model.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThan(0)
    expect(byName('retrieval')[0]!.attributes['app.retrieval.passages']).toBeGreaterThan(0)
    // No question or answer text anywhere in what was exported (LOG_CONTENT is off).
    const exported = JSON.stringify(tree)
    expect(exported).not.toContain('topic and submit')
    expect(exported).not.toContain(answerText.slice(0, 30))
    expect(Object.keys(model.attributes)).not.toContain('gen_ai.input.messages')
  })

  it('every log line of the answer carries the trace the caller sent, named by the project', async () => {
    await ask(srv, 'trace-m2', { traceparent: `00-${TRACE.replace('4bf9', '5bf9')}-${CALLER_SPAN}-01`, referer: 'https://app.example.com/chat?token=do-not-log-me#x' })
    const trace = `projects/test-project-1/traces/${TRACE.replace('4bf9', '5bf9')}`
    const finished = srv.logs.find((l) => l.event === 'answer' && l.messageId === 'trace-m2')
    expect(finished).toMatchObject({ 'logging.googleapis.com/trace': trace, 'logging.googleapis.com/trace_sampled': true })
    const request = srv.logs.find((l) => l.event === 'request' && l['logging.googleapis.com/trace'] === trace)
    expect(request).toMatchObject({
      severity: 'INFO',
      httpRequest: { requestMethod: 'POST', requestUrl: '/api/playground/assistant/chat', status: 200, referer: 'https://app.example.com/chat', latency: expect.stringMatching(/^\d+\.\d{3}s$/) as unknown },
    })
    expect(srv.rawLogs.some((line) => line.includes('do-not-log-me'))).toBe(false)
    // Probes and scrapes every few seconds log at debug, not info.
    await fetch(`${srv.http}/api/playground/assistant/health`)
    expect(srv.logs.findLast((l) => l.event === 'request')).toMatchObject({ severity: 'DEBUG', httpRequest: { requestUrl: '/api/playground/assistant/health' } })
  })

  it('over a WebSocket, each answer is the root of a trace of its own, its lines under that trace', async () => {
    const upgradeTrace = TRACE.replace('4bf9', 'abf9')
    const socket = await connect(srv.ws, { headers: { traceparent: `00-${upgradeTrace}-${CALLER_SPAN}-01` } })
    for (const messageId of ['ws-t1', 'ws-t2']) {
      socket.send({ type: 'chat', content: QUESTION, messageId })
      await socket.next((f) => f.type === 'chat_complete' && f.messageId === messageId)
    }
    socket.ws.close()
    const spans = await Promise.all(['ws-t1', 'ws-t2'].map((id) => receiver.waitFor((s) => s.name === 'answer' && s.attributes['app.message_id'] === id)))
    expect(spans.map((s) => s.parentSpanId)).toEqual([undefined, undefined])
    expect(new Set([...spans.map((s) => s.traceId), upgradeTrace]).size).toBe(3)
    for (const span of spans) {
      const line = srv.logs.find((l) => l.event === 'answer' && l.messageId === span.attributes['app.message_id'])
      expect(line?.['logging.googleapis.com/trace']).toBe(`projects/test-project-1/traces/${span.traceId}`)
    }
    // The upgrade itself is a request of the caller's trace.
    expect(srv.logs.some((l) => l.event === 'request' && l['logging.googleapis.com/trace'] === `projects/test-project-1/traces/${upgradeTrace}`)).toBe(true)
  })

  it('a caller that did not sample is not traced (parent-based), but its lines still join under its trace', async () => {
    const unsampled = TRACE.replace('4bf9', '6bf9')
    await ask(srv, 'trace-m3', { 'x-cloud-trace-context': `${unsampled}/12345;o=0` })
    await ask(srv, 'trace-m4', { traceparent: `00-${TRACE.replace('4bf9', '7bf9')}-${CALLER_SPAN}-01` })
    await receiver.waitFor((s) => s.name === 'answer' && s.attributes['app.message_id'] === 'trace-m4')
    expect(receiver.spans.filter((s) => s.traceId === unsampled)).toEqual([])
    expect(srv.logs.find((l) => l.event === 'answer' && l.messageId === 'trace-m3')).toMatchObject({
      'logging.googleapis.com/trace': `projects/test-project-1/traces/${unsampled}`,
      'logging.googleapis.com/trace_sampled': false,
    })
  })
})

describe('with tracing off', () => {
  it('exports nothing, and log lines still carry the caller\'s trace', async () => {
    const before = receiver.spans.length
    const srv = await startTestServer(upstreamEnv(fake.url, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.base, OTEL_TRACES_EXPORTER: 'none' }))
    const trace = TRACE.replace('4bf9', '8bf9')
    try {
      await ask(srv, 'off-m1', { traceparent: `00-${trace}-${CALLER_SPAN}-01` })
    } finally {
      await srv.close()
    }
    expect(receiver.spans.length).toBe(before)
    expect(receiver.contentTypes.every((t) => t === 'application/json')).toBe(true)
    expect(srv.logs.find((l) => l.event === 'answer' && l.messageId === 'off-m1')).toMatchObject({ traceId: trace, 'logging.googleapis.com/spanId': CALLER_SPAN })
  })
})
