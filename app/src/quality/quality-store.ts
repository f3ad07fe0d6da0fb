/** What is kept of each answer for the quality report (signals, sources, feedback; the question only with LOG_CONTENT), and the in-memory store. */

export type QualitySignal = 'downvoted' | 'offline_no_guide' | 'unknown_sdk_names' | 'weak_retrieval'
export const QUALITY_SIGNALS: QualitySignal[] = ['downvoted', 'offline_no_guide', 'unknown_sdk_names', 'weak_retrieval']

export const FEEDBACK_REASONS = ['wrong', 'outdated', 'code_does_not_compile', 'not_what_i_asked', 'incomplete', 'other'] as const
export type FeedbackReason = (typeof FEEDBACK_REASONS)[number]

export interface Feedback {
  rating: 'up' | 'down'
  reason?: FeedbackReason | undefined
  /** Kept only when LOG_CONTENT allows (it is the user's text). */
  comment?: string | undefined
}

export interface AnswerRecord {
  messageId: string
  userId: string | undefined
  at: number
  /** Present only with LOG_CONTENT. */
  question?: string
  /** Normalised question terms, the grouping key (only with LOG_CONTENT: they are the question's words). */
  terms?: string[]
  /** `guide:id` / `api:Class` of the passages the answer used. */
  sources: string[]
  signals: QualitySignal[]
  unknownNames: number
  feedback?: Feedback
}

export type FeedbackResult = 'saved' | 'unknown_answer' | 'forbidden' | 'already_rated'

/** Asynchronous so that a shared store (Redis, see redis-quality-store.ts) fits behind it. */
export interface QualityStore {
  record(entry: AnswerRecord): Promise<void>
  /** Feedback by the answer's owner (`userId` as the answer's; both undefined without authentication), once. */
  feedback(messageId: string, userId: string | undefined, feedback: Feedback): Promise<FeedbackResult>
  /** Records of the last `sinceMs`, newest first. */
  recent(sinceMs: number): Promise<AnswerRecord[]>
}

export interface MemoryQualityOptions {
  /** As long as conversations are kept (HISTORY_IDLE_TTL_MS): a question outlives neither. */
  retentionMs: number
  maxEntries: number
  now?: () => number
}

export function createMemoryQualityStore(options: MemoryQualityOptions): QualityStore {
  const now = options.now ?? Date.now
  // Insertion order is age order: the oldest go first.
  const records = new Map<string, AnswerRecord>()

  function expire(): void {
    const cutoff = now() - options.retentionMs
    for (const [id, record] of records) {
      if (record.at >= cutoff && records.size <= options.maxEntries) break
      records.delete(id)
    }
  }

  return {
    async record(entry) {
      records.delete(entry.messageId)
      records.set(entry.messageId, entry)
      expire()
    },
    async feedback(messageId, userId, feedback) {
      expire()
      const record = records.get(messageId)
      if (!record) return 'unknown_answer'
      if (record.userId !== userId) return 'forbidden'
      if (record.feedback) return 'already_rated'
      record.feedback = feedback
      if (feedback.rating === 'down' && !record.signals.includes('downvoted')) record.signals.push('downvoted')
      return 'saved'
    },
    async recent(sinceMs) {
      expire()
      const cutoff = now() - sinceMs
      return [...records.values()].filter((r) => r.at >= cutoff).reverse()
    },
  }
}
