/** Conversations a client follows (`subscribe`): every answer in them, resumed after a reconnect like an ask. */
import { applyFrame, newAnswerState, type AnswerState } from './answer-stream.js'
import type { AskPort } from './asks.js'
import { createEventQueue, type EventQueue } from './event-queue.js'
import type { ServerFrame } from './protocol.js'

export interface Subscription extends AsyncIterable<ServerFrame> {
  readonly conversationId: string
  unsubscribe(): void
}

export interface Follows {
  subscribe(conversationId: string): Subscription
  /** Takes a frame of a followed conversation; false when it is about none of them. */
  onFrame(frame: ServerFrame): boolean
  /** On (re)open: join again, and resume the answers that were streaming. */
  restore(): void
  endAll(): void
}

interface ConversationFollow {
  queue: EventQueue<ServerFrame>
  /** Answers seen through the subscription, to resume them too after a reconnect. */
  answers: Map<string, AnswerState>
}

export function createFollows(port: AskPort): Follows {
  const follows = new Map<string, ConversationFollow>()

  function onFrame(frame: ServerFrame): boolean {
    const follow = frame.conversationId ? follows.get(frame.conversationId) : undefined
    if (!follow) return false
    if (!frame.messageId) {
      follow.queue.push(frame)
      return true
    }
    let answer = follow.answers.get(frame.messageId)
    if (!answer) follow.answers.set(frame.messageId, (answer = newAnswerState(frame.messageId, frame.conversationId)))
    const step = applyFrame(answer, frame)
    if (step.resumeFrom !== undefined) port.send({ type: 'resume', messageId: answer.messageId, lastSeq: step.resumeFrom })
    if (step.events.length > 0) follow.queue.push(frame)
    if (answer.finished) follow.answers.delete(frame.messageId)
    return true
  }

  function subscribe(conversationId: string): Subscription {
    let follow = follows.get(conversationId)
    if (!follow) {
      follow = { queue: createEventQueue<ServerFrame>(), answers: new Map() }
      follows.set(conversationId, follow)
      if (port.isOpen()) port.send({ type: 'subscribe', conversationId })
      else port.ensureConnected()
    }
    const queue = follow.queue
    return {
      conversationId,
      unsubscribe() {
        if (follows.get(conversationId)?.queue !== queue) return
        follows.delete(conversationId)
        port.send({ type: 'unsubscribe', conversationId })
        queue.end()
      },
      [Symbol.asyncIterator]: () => queue[Symbol.asyncIterator](),
    }
  }

  return {
    subscribe,
    onFrame,
    restore() {
      for (const [conversationId, follow] of follows) {
        port.send({ type: 'subscribe', conversationId })
        for (const answer of follow.answers.values()) {
          if (!answer.finished) port.send({ type: 'resume', messageId: answer.messageId, lastSeq: answer.lastSeq })
        }
      }
    },
    endAll() {
      for (const follow of follows.values()) follow.queue.end()
      follows.clear()
    },
  }
}
