/** The objects of the Chat Completions protocol, built from an answer's ids, text and chat_complete metadata. */
import type { ApiCheck, CompleteMetadata, Source, Usage } from '../../protocol/frames.js'

export interface CompletionIdentity {
  id: string
  created: number
  model: string
}

export interface OpenAiUsage {
  prompt_tokens: number
  completion_tokens: number
  total_tokens: number
}

export const toOpenAiUsage = (usage: Usage): OpenAiUsage => ({
  prompt_tokens: usage.promptTokens,
  completion_tokens: usage.completionTokens,
  total_tokens: usage.totalTokens,
})

/** OpenAI's finish reasons; anything else the upstream says is reported as `stop`. */
export function finishReason(metadata: CompleteMetadata): 'stop' | 'length' | 'content_filter' {
  const reason = metadata.finishReason
  return reason === 'length' || reason === 'content_filter' ? reason : 'stop'
}

/**
 * What the assistant adds to a plain model: the knowledge-base sources the answer cites as [n] and the check
 * of its SDK names. An extra field OpenAI clients ignore and tools that know it can read.
 */
export function hederaExtension(metadata: CompleteMetadata): { hedera?: { sources?: Source[]; apiCheck?: ApiCheck } } {
  const { sources, apiCheck } = metadata
  if (!sources && !apiCheck) return {}
  return { hedera: { ...(sources ? { sources } : {}), ...(apiCheck ? { apiCheck } : {}) } }
}

export function chunk(who: CompletionIdentity, delta: { role?: 'assistant'; content?: string }, finish: string | null, includeUsage: boolean, extra: object = {}) {
  return {
    id: who.id,
    object: 'chat.completion.chunk',
    created: who.created,
    model: who.model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    // With include_usage every chunk carries `usage: null` but the last one (OpenAI's convention).
    ...(includeUsage ? { usage: null } : {}),
    ...extra,
  }
}

export function usageChunk(who: CompletionIdentity, usage: Usage) {
  return { id: who.id, object: 'chat.completion.chunk', created: who.created, model: who.model, choices: [], usage: toOpenAiUsage(usage) }
}

export function completion(who: CompletionIdentity, text: string, metadata: CompleteMetadata) {
  return {
    id: who.id,
    object: 'chat.completion',
    created: who.created,
    model: metadata.model,
    choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, logprobs: null, finish_reason: finishReason(metadata) }],
    usage: toOpenAiUsage(metadata.usage),
    ...hederaExtension(metadata),
  }
}
