/** What the page shows under an answer, from chat_complete metadata: its sources and the API-check warnings. */
import type { CompleteMetadata } from '../src/protocol.js'

export interface AnswerNotes {
  /** `[n]` in the answer cites sources[n-1]. */
  sources: { n: number; title: string; kind: string }[]
  /** One sentence per SDK name the answer used that the SDK does not have. */
  warnings: string[]
  /** E.g. "stop", "cancelled", "length" when the answer did not end normally. */
  ending: string | undefined
}

export function answerNotes(metadata: CompleteMetadata): AnswerNotes {
  const sources = (metadata.sources ?? []).map((s, i) => ({ n: i + 1, title: s.title, kind: s.kind }))
  const unknown = metadata.apiCheck?.unknown ?? []
  const warnings = unknown.map((name) => `${name} does not exist in the Hedera SDK; check the API reference before using this code.`)
  const ending =
    metadata.finishReason === 'cancelled'
      ? 'Stopped.'
      : metadata.finishReason === 'length'
        ? 'The answer was cut at the token limit.'
        : undefined
  return { sources, warnings, ending }
}
