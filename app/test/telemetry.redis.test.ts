import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { collectSse, postChat, readSse } from './support/sse-client.js'
import type { TestServer } from './support/server.js'
import { startTwoInstances, type TwoInstances } from './support/two-instances.js'

const TRACE = '9af92f3577b34da6a3ce929d0e0e4736'
const OTHER = '1af92f3577b34da6a3ce929d0e0e4736'

let a: TestServer
let b: TestServer
let both: TwoInstances | undefined

beforeAll(async () => {
  both = await startTwoInstances({ RESUME_GRACE_MS: '5000', GOOGLE_CLOUD_PROJECT: 'test-project-1' })
  ;({ a, b } = both)
})
afterAll(() => both?.close())

describe('the trace of an answer across instances', () => {
  it('an answer started on A and resumed on B is logged on B under the trace A started it with', async () => {
    const controller = new AbortController()
    const started = await postChat(a.http, { content: '[[delay:20]] [[words:40]] trace across instances', messageId: 'tr-x' }, { traceparent: `00-${TRACE}-00f067aa0ba902b7-01` }, controller.signal)
    let lastId = ''
    for await (const event of readSse(started)) {
      if (event.event !== 'chat_delta') continue
      lastId = event.id!
      if (Number(lastId) >= 3) break
    }
    controller.abort()
    // The resuming request brings a trace of its own; the answer keeps the one it started with.
    const resumed = await fetch(`${b.http}/api/playground/assistant/chat/tr-x`, { headers: { 'last-event-id': lastId, traceparent: `00-${OTHER}-00f067aa0ba902b7-01` } })
    expect(resumed.status).toBe(200)
    expect((await collectSse(resumed)).at(-1)?.event).toBe('chat_complete')
    const onA = a.logs.find((l) => l.event === 'answer' && l.messageId === 'tr-x')
    expect(onA?.['logging.googleapis.com/trace']).toBe(`projects/test-project-1/traces/${TRACE}`)
    const onB = b.logs.find((l) => l.event === 'answer_resumed' && l.messageId === 'tr-x')
    expect(onB).toMatchObject({ 'logging.googleapis.com/trace': `projects/test-project-1/traces/${TRACE}`, 'logging.googleapis.com/trace_sampled': true })
    const request = b.logs.find((l) => l.event === 'request' && (l.httpRequest as { requestUrl: string }).requestUrl === '/api/playground/assistant/chat/tr-x')
    expect(request?.['logging.googleapis.com/trace']).toBe(`projects/test-project-1/traces/${OTHER}`)
  })
})
