/** What answers need to share between instances: busy claims, frame logs, cancels, watchers, conversation events. */
import type { ServerFrame } from '../protocol/frames.js'

/** A conversation event fanned out to every socket subscribed to the conversation, on every instance. */
export type ConversationEvent =
  | { type: 'answer_started'; conversationId: string; messageId: string }
  | { type: 'conversation_updated'; conversationId: string; change: 'turn' | 'renamed' | 'deleted' }

export interface AnswerMeta {
  messageId: string
  conversationId: string
  userId: string | undefined
  /** The answer's W3C traceparent (telemetry): an instance resuming it logs under the same trace. */
  trace?: string
}

export interface FollowOptions {
  signal: AbortSignal
  /** With no new frame for this long and no terminal frame, the producing instance is taken for dead. */
  staleMs: number
}

/** Thrown by `follow` when the answer's frames are gone (expired, trimmed, never existed). */
export class AnswerGone extends Error {
  override name = 'AnswerGone'
}

/** Thrown by `follow` when the instance producing the answer stopped without ending it. */
export class AnswerStale extends Error {
  override name = 'AnswerStale'
}

export interface Coordinator {
  /** True when many instances share state (Redis); false for a single instance. */
  readonly shared: boolean
  /**
   * Claims a conversation for one streaming answer on every instance, and stores the answer's meta and
   * heartbeat in the same atomic step; 'busy' = the conversation is answering, 'used' = an answer with this
   * messageId exists (nothing was claimed).
   */
  claim(meta: AnswerMeta, ttlMs: number): Promise<'claimed' | 'busy' | 'used'>
  /**
   * Marks the answer ended (not dead) and frees the conversation, in one step; when that fails it keeps
   * retrying in the background, and rejects to be logged.
   */
  release(meta: AnswerMeta): Promise<void>
  /**
   * While the producer runs it refreshes a short-lived heartbeat, so followers on other instances notice
   * within seconds when it dies. Returns the stop; `release` then marks the answer ended (not dead).
   */
  heartbeat(messageId: string): () => void
  /** Stores frame number `index` of a local answer (and its JSON), in order, so other instances can resume it. */
  append(messageId: string, index: number, frame: ServerFrame, json: string): void
  /** Meta of an answer running or kept on any instance. */
  meta(messageId: string): Promise<AnswerMeta | undefined>
  /** The messageId of the answer streaming in a conversation now (its busy claim), on any instance. */
  activeAnswer(conversationId: string): Promise<string | undefined>
  /**
   * Frames of an answer produced elsewhere, after `afterIndex`, then live until its terminal frame; each with
   * the JSON it was stored as, passed to sockets as is.
   */
  follow(messageId: string, afterIndex: number, options: FollowOptions): AsyncIterable<{ frame: ServerFrame; json: string }>
  /** Marks that a client on this instance follows `messageId`, so its producer keeps it alive. Returns stop. */
  watch(messageId: string): () => void
  isWatchedElsewhere(messageId: string): Promise<boolean>
  /** Asks whichever instance runs the answer to cancel it. */
  requestCancel(messageId: string): Promise<void>
  onCancelRequest(handler: (messageId: string) => void): void
  publish(event: ConversationEvent): Promise<void>
  /** Receives events of one conversation; resolves (with the unsubscribe) once events are being delivered. */
  subscribe(conversationId: string, handler: (event: ConversationEvent) => void): Promise<() => void>
  /** False while the shared store is unreachable: new answers are refused with a clear error. */
  healthy(): boolean
  close(): Promise<void>
}

/** Single instance: nothing leaves the process. */
export function createLocalCoordinator(): Coordinator {
  const claims = new Map<string, string>()
  const listeners = new Map<string, Set<(event: ConversationEvent) => void>>()
  return {
    shared: false,
    async claim(meta) {
      if (claims.has(meta.conversationId)) return 'busy'
      claims.set(meta.conversationId, meta.messageId)
      return 'claimed'
    },
    async release(meta) {
      if (claims.get(meta.conversationId) === meta.messageId) claims.delete(meta.conversationId)
    },
    append() {},
    heartbeat: () => () => {},
    async meta() {
      return undefined
    },
    async activeAnswer(conversationId) {
      return claims.get(conversationId)
    },
    follow() {
      return (async function* () {
        yield* []
        throw new AnswerGone('not on this instance')
      })()
    },
    watch: () => () => {},
    async isWatchedElsewhere() {
      return false
    },
    async requestCancel() {},
    onCancelRequest() {},
    async publish(event) {
      for (const handler of [...(listeners.get(event.conversationId) ?? [])]) handler(event)
    },
    async subscribe(conversationId, handler) {
      const set = listeners.get(conversationId) ?? new Set()
      set.add(handler)
      listeners.set(conversationId, set)
      return () => {
        set.delete(handler)
        if (set.size === 0) listeners.delete(conversationId)
      }
    },
    healthy: () => true,
    async close() {
      claims.clear()
      listeners.clear()
    },
  }
}
