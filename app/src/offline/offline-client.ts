/** The offline LlmClient: answers from the knowledge base, streamed in pieces like a model, when no model is configured. */
import type { KnowledgeBase } from '../knowledge/knowledge-base.js'
import { chooseLanguages } from '../knowledge/languages.js'
import { composeOfflineAnswer, OFFLINE_MODEL, OFFLINE_NOTICE } from './offline-answer.js'
import { LlmAbortedError, type ChatMessage, type LlmClient, type StreamResult } from '../llm/client.js'

/** Lines per piece: an answer arrives in a few dozen deltas, as a model's would. */
const LINES_PER_PIECE = 2

export function createOfflineClient(knowledge: Pick<KnowledgeBase, 'retrieve' | 'guides' | 'index' | 'corpus' | 'languages'>): LlmClient {
  /** The guides and indexes of the languages the answer is in (the editor's, or those the question names). */
  function knowledgeFor(question: string, language: string | undefined) {
    const { languages, note } = chooseLanguages(question, language, knowledge.languages)
    const others = languages.flatMap((l) => (l === 'javascript' ? [] : [knowledge.corpus(l)!]))
    const guides = languages.includes('javascript') ? [...knowledge.guides, ...others.flatMap((c) => c.guides)] : others.flatMap((c) => c.guides)
    const indexes = Object.fromEntries(others.map((c) => [c.language, c.index]))
    return [guides, knowledge.index, question, { indexes, ...(note ? { note } : {}) }] as const
  }

  return {
    model: OFFLINE_MODEL,
    async stream(messages, { signal, onDelta, language, composed, query }): Promise<StreamResult> {
      const abortIfAsked = () => {
        if (signal.aborted) throw new LlmAbortedError('aborted')
      }
      abortIfAsked()
      // The notice needs no search: it goes first, so the first delta costs nothing.
      onDelta(OFFLINE_NOTICE)
      const asked = questionOf(messages)
      const recent = asked.recent
      const question = query ?? asked.question
      const answer = composed !== undefined ? { body: composed, sources: [] } : composeOfflineAnswer(knowledge.retrieve(question, recent, undefined, language), ...knowledgeFor(question, language))
      const lines = answer.body.split(/(?<=\n)/)
      for (let i = 0; i < lines.length; i += LINES_PER_PIECE) {
        // Yield between pieces so a cancel (or a slow socket) is seen mid-answer, as with a model.
        await new Promise<void>((resolve) => setImmediate(resolve))
        abortIfAsked()
        onDelta(lines.slice(i, i + LINES_PER_PIECE).join(''))
      }
      return { model: OFFLINE_MODEL, finishReason: 'stop', usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 }, ...(answer.sources.length > 0 || composed === undefined ? { sources: answer.sources } : {}) }
    },
  }
}

/** The question is the last user message; the user messages before it are the recent turns. */
function questionOf(messages: ChatMessage[]): { question: string; recent: string[] } {
  const users = messages.filter((m) => m.role === 'user').map((m) => m.content)
  return { question: users.at(-1) ?? '', recent: users.slice(0, -1) }
}
