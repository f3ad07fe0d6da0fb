/** Admits an answer: its id is free, the conversation is the user's and not busy, claimed on every instance. */
import type { Logger } from 'pino'
import type { ConversationIndex } from './conversation-index.js'
import type { ConversationStore } from './conversations.js'
import type { AnswerMeta, Coordinator } from './coordinator.js'
import type { StartRefusal, StartRequest } from './start-request.js'

export interface AdmissionDeps {
  conversations: ConversationStore & Partial<ConversationIndex>
  coordinator: Coordinator
  logger: Logger
  /** How long a conversation stays claimed by one answer at most. */
  claimTtlMs: number
  /** Whether this instance already has an answer with the id. */
  isLocal(messageId: string): boolean
}

/** Undefined when admitted (the conversation is then claimed); a refusal otherwise. Throws on store failures. */
export async function admitAnswer(deps: AdmissionDeps, request: StartRequest, meta: AnswerMeta): Promise<StartRefusal | undefined> {
  const { coordinator, conversations } = deps
  const { messageId, conversationId, userId } = meta
  const used = { ok: false, code: 'invalid_message', error: `messageId ${messageId} is already used by another answer; omit it to get a fresh one`, messageId } as const
  // A used id elsewhere is refused by the claim itself; it is only looked up first when setOwner would run before the claim.
  const ownerFirst = userId !== undefined && request.conversationId !== undefined && conversations.setOwner !== undefined
  if (deps.isLocal(messageId) || (ownerFirst && coordinator.shared && (await coordinator.meta(messageId)))) return used
  // With authentication on, a conversation belongs to the first user who writes in it.
  if (userId !== undefined && request.conversationId && conversations.setOwner && !(await conversations.setOwner(conversationId, userId))) {
    return { ok: false, code: 'forbidden', error: 'This conversation belongs to another user; start a new one', messageId }
  }
  let claimed: 'claimed' | 'busy' | 'used'
  try {
    claimed = await coordinator.claim(meta, deps.claimTtlMs)
  } catch (error) {
    // The claim may have landed before the reply was lost: releasing (only if it is ours) is always safe.
    await releaseAfterFailure(deps, meta)
    throw error
  }
  if (claimed === 'used') return used
  if (claimed === 'busy') {
    return { ok: false, code: 'busy', error: 'This conversation is still answering; wait for chat_complete or send cancel first', messageId }
  }
  try {
    if (userId !== undefined && !request.conversationId && !request.history && conversations.setOwner) await conversations.setOwner(conversationId, userId)
  } catch (error) {
    await releaseAfterFailure(deps, meta)
    throw error
  }
  return undefined
}

async function releaseAfterFailure(deps: AdmissionDeps, meta: AnswerMeta): Promise<void> {
  await deps.coordinator
    .release(meta)
    .catch((err: unknown) => deps.logger.warn({ err, conversationId: meta.conversationId }, 'could not release the conversation; retrying in the background'))
}
