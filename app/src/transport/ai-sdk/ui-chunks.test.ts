import * as aiV5 from 'ai'
import { uiMessageChunkSchema as v5Schema, type UIMessage } from 'ai'
import * as aiLatest from 'ai-latest'
import { uiMessageChunkSchema as latestSchema } from 'ai-latest'
import { describe, expect, it } from 'vitest'
import { frames, type ServerFrame } from '../../protocol/frames.js'
import { createUiChunkEncoder, DONE, sseChunk, uiFinishReason, type UiChunk } from './ui-chunks.js'

const ids = { messageId: 'm-1', conversationId: 'c-1' }
const usage = { promptTokens: 10, completionTokens: 5, totalTokens: 15 }
const change = { mode: 'replace', code: 'b', contextBefore: 'a', contextAfter: 'c' }

/** Every frame sequence the encoder meets: an answer, a stopped one, a failed one, one cut for a slow reader. */
const runs: Record<string, ServerFrame[]> = {
  completed: [
    frames.start(ids, 'gpt-4o'),
    frames.delta(ids, 0, 'Use '),
    frames.delta(ids, 1, '`TokenAssociateTransaction` [1]'),
    frames.complete(ids, {
      model: 'gpt-4o',
      finishReason: 'stop',
      usage,
      sources: [
        { id: 'token-associate', title: 'Associate a token', kind: 'guide' },
        { id: 'TokenAssociateTransaction', title: 'TokenAssociateTransaction', kind: 'api' },
      ],
      apiCheck: { checked: 1, unknown: [] },
    }),
  ],
  cancelled: [frames.start(ids, 'gpt-4o'), frames.delta(ids, 0, 'partial'), frames.complete(ids, { model: 'gpt-4o', finishReason: 'cancelled', usage, usageEstimated: true })],
  failed: [frames.start(ids, 'gpt-4o'), frames.delta(ids, 0, 'half'), frames.error('upstream_error', 'The model failed', ids)],
  failedEarly: [frames.start(ids, 'gpt-4o'), frames.error('upstream_timeout', 'No first token', ids)],
  slow: [frames.start(ids, 'gpt-4o'), frames.delta(ids, 0, 'x'), frames.slowConsumer(ids)],
  length: [frames.start(ids, 'gpt-4o'), frames.delta(ids, 0, 'x'), frames.complete(ids, { model: 'gpt-4o', finishReason: 'length', usage })],
  tool: [
    frames.start(ids, 'gpt-4o'),
    frames.delta(ids, 0, 'Here is the fix.'),
    frames.tool(ids, 1, { toolCallId: 'call-1', toolName: 'proposeCode', input: { changes: [change] }, output: { proposedChanges: [change], appliedChanges: [{ mode: 'replace', code: 'b', startLine: 2, endLine: 2 }] } }),
    frames.delta(ids, 2, 'It replaces line 2.'),
    frames.complete(ids, { model: 'gpt-4o', finishReason: 'stop', usage }),
  ],
  reviewed: [
    frames.start(ids, 'offline-knowledge-base'),
    frames.delta(ids, 0, 'Line 1 imports the old package.'),
    frames.complete(ids, {
      model: 'offline-knowledge-base',
      finishReason: 'stop',
      usage,
      codeCheck: {
        of: 'editor',
        diagnostics: [{ line: 1, column: 1, endLine: 1, endColumn: 40, severity: 'error', message: 'old package', source: 'rule:old-sdk-import', rule: 'old-sdk-import' }],
        patches: [{ mode: 'replace', code: "import { Client } from '@hiero-ledger/sdk'", startLine: 1, endLine: 1, source: 'rule:old-sdk-import', title: 'Import the Hiero SDK' }],
      },
    }),
  ],
}

const encodeAll = (list: ServerFrame[]): UiChunk[] => {
  const encoder = createUiChunkEncoder()
  return list.flatMap((frame) => encoder.encode(frame))
}

describe('the UI message chunk encoder', () => {
  it('turns an answer into start, a text part, its sources, metadata and finish', () => {
    expect(encodeAll(runs.completed!)).toEqual([
      { type: 'start', messageId: 'm-1', messageMetadata: { conversationId: 'c-1', model: 'gpt-4o' } },
      { type: 'start-step' },
      { type: 'text-start', id: 'text-m-1' },
      { type: 'text-delta', id: 'text-m-1', delta: 'Use ' },
      { type: 'text-delta', id: 'text-m-1', delta: '`TokenAssociateTransaction` [1]' },
      { type: 'text-end', id: 'text-m-1' },
      { type: 'source-document', sourceId: 'guide:token-associate', mediaType: 'text/markdown', title: 'Associate a token', filename: 'token-associate.md' },
      { type: 'source-document', sourceId: 'api:TokenAssociateTransaction', mediaType: 'text/plain', title: 'TokenAssociateTransaction' },
      { type: 'message-metadata', messageMetadata: { conversationId: 'c-1', model: 'gpt-4o', finishReason: 'stop', usage, apiCheck: { checked: 1, unknown: [] } } },
      { type: 'finish-step' },
      { type: 'finish', finishReason: 'stop', messageMetadata: { conversationId: 'c-1', model: 'gpt-4o', finishReason: 'stop', usage, apiCheck: { checked: 1, unknown: [] } } },
    ])
  })

  it('ends a stopped answer with abort, a failed one with an error chunk after closing its text, and nothing after the end', () => {
    expect(encodeAll(runs.cancelled!).map((c) => c.type)).toEqual(['start', 'start-step', 'text-start', 'text-delta', 'text-end', 'message-metadata', 'finish-step', 'abort'])
    expect(encodeAll(runs.failed!).slice(-2)).toEqual([
      { type: 'text-end', id: 'text-m-1' },
      { type: 'error', errorText: 'The model failed (upstream_error)' },
    ])
    expect(encodeAll(runs.failedEarly!).map((c) => c.type)).toEqual(['start', 'start-step', 'error'])
    expect(encodeAll(runs.slow!).at(-1)).toEqual({ type: 'error', errorText: 'You are not reading fast enough; this answer was cancelled (slow_consumer)' })
    const encoder = createUiChunkEncoder()
    for (const frame of runs.completed!) encoder.encode(frame)
    expect(encoder.ended).toBe(true)
    expect(encoder.encode(frames.delta(ids, 9, 'late'))).toEqual([])
  })

  it.each([
    ['ai v5', aiV5],
    ['ai current major', aiLatest as unknown as typeof aiV5],
  ])('gives %s a tool-proposeCode part with its output between two text parts', async (_name, ai) => {
    const chunks = encodeAll(runs.tool!)
    const stream = new ReadableStream({ start: (c) => (chunks.forEach((chunk) => c.enqueue(chunk)), c.close()) })
    let message: UIMessage | undefined
    for await (const state of ai.readUIMessageStream({ stream })) message = state
    const parts = message!.parts.filter((p) => p.type !== 'step-start')
    expect(parts.map((p) => p.type)).toEqual(['text', 'tool-proposeCode', 'text'])
    expect(parts[1]).toMatchObject({ toolCallId: 'call-1', state: 'output-available', input: { changes: [change] }, output: { appliedChanges: [{ startLine: 2, endLine: 2 }] } })
    expect(chunks.filter((c) => c.type === 'text-start').map((c) => c.type === 'text-start' && c.id)).toEqual(['text-m-1', 'text-m-1-1'])
  })

  it.each([
    ['ai v5', aiV5],
    ['ai current major', aiLatest as unknown as typeof aiV5],
  ])("gives %s the editor's diagnostics and patches as a data-diagnostics part", async (_name, ai) => {
    const chunks = encodeAll(runs.reviewed!)
    const stream = new ReadableStream({ start: (c) => (chunks.forEach((chunk) => c.enqueue(chunk)), c.close()) })
    let message: UIMessage | undefined
    for await (const state of ai.readUIMessageStream({ stream })) message = state
    const part = message!.parts.find((p) => p.type === 'data-diagnostics') as { data: { diagnostics: { line: number }[]; patches: { startLine: number }[] } } | undefined
    expect(part?.data.diagnostics.map((d) => d.line)).toEqual([1])
    expect(part?.data.patches.map((p) => p.startLine)).toEqual([1])
  })

  it('maps upstream finish reasons to the spelling both ai majors accept', () => {
    expect(['stop', 'length', 'content_filter', 'tool_calls', 'cancelled', 'whatever'].map(uiFinishReason)).toEqual(['stop', 'length', 'content-filter', 'tool-calls', 'other', 'other'])
  })

  it.each([
    ['ai v5', v5Schema],
    ['ai current major', latestSchema],
  ])('writes only chunks the real %s uiMessageChunkSchema accepts', async (_name, schema) => {
    const validator = schema() as { validate?: (value: unknown) => { success: boolean; error?: unknown } | PromiseLike<{ success: boolean; error?: unknown }> }
    const all = Object.values(runs).flatMap(encodeAll)
    // Every member of UiChunk appears once at least.
    expect(new Set(all.map((c) => c.type)).size).toBe(14)
    for (const chunk of all) {
      const result = await validator.validate!(chunk)
      expect(result.success, `${JSON.stringify(chunk)}: ${String(result.error)}`).toBe(true)
    }
    const misspelt = await validator.validate!({ type: 'text-delta', id: 'x', text: 'wrong field' })
    expect(misspelt.success).toBe(false)
  })

  it('writes one data: line per chunk and ends with [DONE]', () => {
    const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes)
    expect(decode(sseChunk({ type: 'start-step' }))).toBe('data: {"type":"start-step"}\n\n')
    expect(decode(DONE)).toBe('data: [DONE]\n\n')
  })
})
