import { describe, expect, it } from 'vitest'
import { frames, type ServerFrame } from '../protocol/frames.js'
import { AnswerLog } from './answer-log.js'

const ids = { messageId: 'm', conversationId: 'c' }

function fill(log: AnswerLog, deltas: number) {
  log.append(frames.start(ids, 'gpt-4o'))
  for (let i = 0; i < deltas; i++) log.append(frames.delta(ids, i, `d${i}`))
}

describe('answer log', () => {
  it('replays from after lastSeq, then delivers live frames: no gap, no duplicate', () => {
    const log = new AnswerLog(100)
    fill(log, 5)
    const got: ServerFrame[] = []
    log.subscribe((f) => got.push(f), 2)
    log.append(frames.delta(ids, 5, 'd5'))
    log.append(frames.complete(ids, { model: 'm', finishReason: 'stop', usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 } }))
    expect(got.map((f) => f.seq ?? f.type)).toEqual([3, 4, 5, 'chat_complete'])
    expect(log.subscriberCount).toBe(0) // ended: subscribers released
  })

  it('delivers a frame to the subscribers there were when it was appended, whoever joins or leaves during it', () => {
    const log = new AnswerLog(100)
    fill(log, 1)
    const got: string[] = []
    let second = () => {}
    const first = log.subscribe((f) => {
      got.push(`a${f.seq}`)
      if (f.seq === 1) {
        // Leaves, and a newcomer joins, while frame 1 is being delivered.
        first.detach()
        log.subscribe((g) => got.push(`c${g.seq}`), 1)
        second()
      }
    }, 0)
    const b = log.subscribe((f) => got.push(`b${f.seq}`), 0)
    second = () => b.detach()
    log.append(frames.delta(ids, 1, 'd1'))
    log.append(frames.delta(ids, 2, 'd2'))
    // Frame 1 still reaches b (it was subscribed when 1 was appended), never c; frame 2 reaches only c.
    expect(got).toEqual(['a1', 'b1', 'c2'])
  })

  it('from -1 replays chat_start too', () => {
    const log = new AnswerLog(100)
    fill(log, 2)
    const got: ServerFrame[] = []
    log.subscribe((f) => got.push(f))
    expect(got.map((f) => f.type)).toEqual(['chat_start', 'chat_delta', 'chat_delta'])
  })

  it('refuses a replay whose frames were already dropped by the bound', () => {
    const log = new AnswerLog(16)
    fill(log, 40)
    expect(log.subscribe(() => {}, 5).ok).toBe(false)
    expect(log.subscribe(() => {}, -1).ok).toBe(false)
    const got: ServerFrame[] = []
    expect(log.subscribe((f) => got.push(f), 30).ok).toBe(true)
    expect(got.map((f) => f.seq)).toEqual([31, 32, 33, 34, 35, 36, 37, 38, 39])
  })

  it('reports subscriber counts so the answer can start its grace timer', () => {
    const counts: number[] = []
    const log = new AnswerLog(100, (n) => counts.push(n))
    fill(log, 1)
    const a = log.subscribe(() => {})
    const b = log.subscribe(() => {})
    a.detach()
    b.detach()
    b.detach() // twice is harmless
    expect(counts).toEqual([1, 2, 1, 0])
  })

  it('replays a finished answer from its compacted form exactly as it was streamed', () => {
    const log = new AnswerLog(100)
    const live: ServerFrame[] = []
    log.subscribe((f) => live.push(f))
    fill(log, 6)
    log.append(frames.complete(ids, { model: 'm', finishReason: 'stop', usage: { promptTokens: 1, completionTokens: 6, totalTokens: 7 } }))
    const fromStart: ServerFrame[] = []
    log.subscribe((f) => fromStart.push(f))
    expect(fromStart).toEqual(live)
    const fromMiddle: ServerFrame[] = []
    expect(log.subscribe((f) => fromMiddle.push(f), 3).ok).toBe(true)
    expect(fromMiddle).toEqual(live.filter((f) => f.type === 'chat_complete' || (f.seq !== undefined && f.seq > 3)))
  })

  it('replays a tool call between deltas in its place and number, while streaming and after the end', () => {
    const log = new AnswerLog(100)
    const live: ServerFrame[] = []
    log.subscribe((f) => live.push(f))
    fill(log, 2)
    log.append(frames.tool(ids, 2, { toolCallId: 't', toolName: 'propose_code', input: { code: 'x' }, output: { ok: true } }))
    log.append(frames.delta(ids, 3, 'd3'))
    const midway: ServerFrame[] = []
    log.subscribe((f) => midway.push(f), 1)
    expect(midway).toEqual(live.slice(3))
    log.append(frames.complete(ids, { model: 'm', finishReason: 'stop', usage: { promptTokens: 1, completionTokens: 3, totalTokens: 4 } }))
    const after: ServerFrame[] = []
    log.subscribe((f) => after.push(f), 0)
    expect(after.map((f) => `${f.type}:${f.seq ?? ''}`)).toEqual(['chat_delta:1', 'chat_tool:2', 'chat_delta:3', 'chat_complete:'])
    expect(after).toEqual(live.slice(2))
  })

  it('gives each live frame its JSON, made once; a replayed frame comes without it', () => {
    const log = new AnswerLog(100)
    fill(log, 1)
    const jsons: (string | undefined)[] = []
    log.subscribe((_f, json) => jsons.push(json), 0)
    log.append(frames.delta(ids, 1, 'd1'), '{"made":"once"}')
    expect(jsons).toEqual(['{"made":"once"}'])
  })
})

