/** The offline LlmClient: answers from the knowledge base, streamed in pieces like a model, when no model is configured. */
import type { KnowledgeBase } from '../knowledge/knowledge-base.js'
import { composeOfflineAnswer, OFFLINE_MODEL, OFFLINE_NOTICE } from '../knowledge/offline-answer.js'
import { LlmAbortedError, type ChatMessage, type LlmClient, type StreamResult } from './client.js'

/** Lines per piece: an answer arrives in a few dozen deltas, as a model's would. */
const LINES_PER_PIECE = 2

export function createOfflineClient(knowledge: Pick<KnowledgeBase, 'retrieve' | 'guides' | 'index'>): LlmClient {
  return {
    model: OFFLINE_MODEL,
    async stream(messages, { signal, onDelta }): Promise<StreamResult> {
      const abortIfAsked = () => {
        if (signal.aborted) throw new LlmAbortedError('aborted')
      }
      abortIfAsked()
      // The notice needs no search: it goes first, so the first delta costs nothing.
      onDelta(OFFLINE_NOTICE)
      const { question, recent } = questionOf(messages)
      const answer = composeOfflineAnswer(knowledge.retrieve(question, recent), knowledge.guides, knowledge.index, question)
      const lines = answer.body.split(/(?<=\n)/)
      for (let i = 0; i < lines.length; i += LINES_PER_PIECE) {
        // Yield between pieces so a cancel (or a slow socket) is seen mid-answer, as with a model.
        await new Promise<void>((resolve) => setImmediate(resolve))
        abortIfAsked()
        onDelta(lines.slice(i, i + LINES_PER_PIECE).join(''))
      }
      return { model: OFFLINE_MODEL, finishReason: 'stop', usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 }, sources: answer.sources }
    },
  }
}

/** The question is the last user message; the user messages before it are the recent turns. */
function questionOf(messages: ChatMessage[]): { question: string; recent: string[] } {
  const users = messages.filter((m) => m.role === 'user').map((m) => m.content)
  return { question: users.at(-1) ?? '', recent: users.slice(0, -1) }
}
