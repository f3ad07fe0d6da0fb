/** WebSocket adapter: parses frames into commands, attaches the socket to answers, answers pings. */
import { randomUUID } from 'node:crypto'
import type { WSContext, WSEvents } from 'hono/ws'
import type { Logger } from 'pino'
import type { WebSocket } from 'ws'
import type { AnswerService, AnswerView } from '../chat/answer-service.js'
import type { Coordinator } from '../chat/coordinator.js'
import type { Admission } from '../guard/guard.js'
import type { GuardedStart } from '../guard/guarded-start.js'
import type { Slot } from '../guard/limits.js'
import type { Connection, ConnectionRegistry } from '../ops/connections.js'
import { CloseCode } from '../protocol/wire.js'
import { attachBounded } from './bounded-attach.js'
import { armExpiry } from './credential-expiry.js'
import { corkForTick } from './tick-cork.js'
import {
  frames,
  parseClientMessage,
  type ClientMessage,
  type ClientMessageSchema,
  type ServerFrame,
} from '../protocol/frames.js'

export interface SocketDeps {
  answers: AnswerService
  connections: ConnectionRegistry
  logger: Logger
  /** Built once per server, not per socket: a zod schema is large. */
  schema: ClientMessageSchema
  maxBufferedBytes: number
  /** Messages a socket may send per second (bursts of twice that); 0 = unlimited. */
  maxMessagesPerSecond: number
  start: GuardedStart
  coordinator: Coordinator
  /** Whether a user may join a conversation (its owner, or anyone for an anonymous one); creates nothing. */
  mayJoin(conversationId: string, userId: string | undefined): Promise<boolean>
  onRejectedFrame?(reason: string): void
  /** A socket was closed because its outbound buffer passed `maxBufferedBytes`. */
  onSendOverflow?(): void
  /** Milliseconds of the message budget's clock (tests inject one). */
  now?: () => number
}

/** Who opened the socket, as admitted before the upgrade. */
export interface SocketIdentity {
  userId: string | undefined
  /** What limits count against. */
  key: string
  /** When the credential expires (ms since epoch): the socket is closed with 4001 then. */
  expiresAt: number | undefined
  /** The open-sockets slot, freed on close. */
  slot: Slot
}

/** Conversations one socket may join with `subscribe`: each holds a subscription (and, with Redis, a channel). */
export const MAX_JOINED_CONVERSATIONS = 64

/**
 * A per-socket token bucket on incoming messages: a flood gets one `rate_limited` error a second and is
 * dropped; a client that keeps flooding (ten bursts' worth of dropped messages in a row) is disconnected.
 */
function messageBudget(perSecond: number, clock: () => number) {
  const burst = perSecond * 2
  let tokens = burst
  let at = clock()
  let dropped = 0
  let warnedAt = -Infinity
  return {
    take(): 'ok' | 'drop' | 'warn' | 'close' {
      if (perSecond === 0) return 'ok'
      const now = clock()
      tokens = Math.min(burst, tokens + ((now - at) / 1000) * perSecond)
      at = now
      if (tokens >= 1) {
        tokens -= 1
        dropped = 0
        return 'ok'
      }
      if (++dropped > burst * 10) return 'close'
      if (now - warnedAt < 1000) return 'drop'
      warnedAt = now
      return 'warn'
    },
  }
}

/** The empty map every socket starts with for its attachments and joins; never written to. */
const NO_ENTRIES: Map<string, () => void> = new Map()

/** Builds the events of one chat socket. */
export function chatSocket(deps: SocketDeps, identity: SocketIdentity): WSEvents<WebSocket> {
  const { schema } = deps
  const id = randomUUID()
  // Most sockets never attach or join anything at once: both maps start as the shared empty one (read-only
  // here: only get/has/delete/clear/size, which leave an empty map empty) and are made on the first set.
  let attachments = NO_ENTRIES
  let joined = NO_ENTRIES
  const { userId, key } = identity
  const admission: Admission = { identity: { userId, expiresAt: identity.expiresAt }, key }
  const budget = messageBudget(deps.maxMessagesPerSecond, deps.now ?? performance.now.bind(performance))
  let raw: WebSocket | undefined
  let stopExpiry = () => {}
  // Set by onClose: an admission still awaiting (limits, Redis) must then undo what it made, not attach.
  let closed = false
  const connection: Connection = {
    id,
    isAlive: true,
    messageCount: 0,
    userId,
    openedAt: Date.now(),
    ping: () => raw?.ping(),
    terminate: () => raw?.terminate(),
    close: (code, reason) => raw?.close(code, reason),
  }

  /**
   * Every frame goes out here. Answers stop at WS_MAX_BUFFERED_BYTES unread (slow_consumer, see attach); small
   * frames get headroom up to twice that, so the notice of a cut answer still arrives; past it the peer is
   * not reading at all and the socket is closed instead of buffering more.
   */
  const send = (frame: ServerFrame, json?: string, notice = false) => {
    if (!raw || raw.readyState !== raw.OPEN) return
    // A notice (one small frame per cut answer) always goes out: one coalesced delta can pass both bounds at once.
    if (!notice && raw.bufferedAmount > 2 * deps.maxBufferedBytes) {
      deps.onSendOverflow?.()
      deps.logger.warn({ event: 'send_overflow', connectionId: id, bufferedBytes: raw.bufferedAmount }, 'peer stopped reading; socket closed')
      raw.close(CloseCode.notReading, 'not reading: outbound buffer full')
      return
    }
    corkForTick(raw)
    raw.send(json ?? JSON.stringify(frame))
  }


  // No messageId: by the protocol an error with one ends that answer, and a bad frame must not end a live answer.
  const reject = (reason: string, error: string) => {
    deps.onRejectedFrame?.(reason)
    send(frames.error('invalid_message', error))
  }

  /** Logs an admission that finished after the socket closed (its result was undone). */
  const abandoned = (what: string) => {
    deps.logger.debug({ event: 'admission_abandoned', connectionId: id, what }, 'socket closed during admission; undone')
  }

  const attach = (answer: AnswerView, lastSeq = -1): boolean => {
    const messageId = answer.ids.messageId
    attachments.get(messageId)?.()
    const attachment = attachBounded(
      answer,
      lastSeq,
      {
        backlog: () => raw?.bufferedAmount ?? 0,
        send,
        ended: () => attachments.delete(messageId),
      },
      deps.maxBufferedBytes,
    )
    if (!attachment) return false
    if (!answer.finished) (attachments === NO_ENTRIES ? (attachments = new Map()) : attachments).set(messageId, attachment.detach)
    return true
  }

  /** Joins a conversation: frames of answers started in it from any socket, and its updates. */
  const join = async (conversationId: string) => {
    if (closed) return abandoned('join')
    if (joined.has(conversationId)) return
    // Marked at once, so a second join while the first subscribes is a no-op.
    const placeholder = () => {}
    ;(joined === NO_ENTRIES ? (joined = new Map()) : joined).set(conversationId, placeholder)
    let unsubscribe: () => void
    try {
      unsubscribe = await deps.coordinator.subscribe(conversationId, (event) => {
        if (event.type === 'conversation_updated') return send({ type: 'conversation_updated', conversationId, change: event.change })
        if (attachments.has(event.messageId)) return
        deps.answers
          .open(event.messageId)
          .then((answer) => {
            if (answer && !closed && owns(answer) && !attachments.has(event.messageId)) attach(answer, -1)
          })
          .catch((err: unknown) => deps.logger.warn({ err, connectionId: id, messageId: event.messageId }, 'could not follow an answer of a joined conversation'))
      })
    } catch (error) {
      // Forgotten, so the next join tries again instead of finding a placeholder for good.
      if (joined.get(conversationId) === placeholder) joined.delete(conversationId)
      throw error
    }
    // Left (or closed) while subscribing: undo.
    if (closed || joined.get(conversationId) !== placeholder) {
      if (closed) abandoned('join')
      return unsubscribe()
    }
    joined.set(conversationId, unsubscribe)
  }

  const leave = (conversationId: string) => {
    joined.get(conversationId)?.()
    joined.delete(conversationId)
  }

  const startChat = async (message: Extract<ClientMessage, { type: 'chat' }>) => {
    const { metadata, ...request } = message
    const result = await deps.start(admission, { ...request, editor: metadata }, { abandoned: () => closed })
    if (closed && !result.ok) return abandoned('chat')
    if (!result.ok) {
      const { code, error, retryAfter } = result
      const messageId = result.messageId ?? message.messageId
      const conversation = message.conversationId ? { conversationId: message.conversationId } : {}
      return send(frames.error(code, error, { ...(messageId ? { messageId } : {}), ...conversation, ...(retryAfter ? { retryAfter } : {}) }))
    }
    if (closed) {
      // Attached and detached at once: nobody listens, so the resume grace rule decides when it is cancelled.
      const subscription = result.answer.attach(() => {})
      if (subscription.ok) subscription.detach()
      return abandoned('answer')
    }
    attach(result.answer)
    await join(result.answer.ids.conversationId)
  }

  const cancel = async (messageId: string) => {
    const answer = await deps.answers.open(messageId)
    if (!answer || !owns(answer)) return send(frames.error('unknown_answer', `No answer ${messageId} is known here`, { messageId }))
    answer.cancel('cancelled')
  }

  const resume = async (messageId: string, lastSeq: number) => {
    const answer = await deps.answers.open(messageId)
    if (closed) return abandoned('resume')
    if (!answer || !owns(answer) || !attach(answer, lastSeq)) {
      return send(frames.error('resume_unavailable', `Answer ${messageId} can no longer be resumed; send the question again`, { messageId }))
    }
    await join(answer.ids.conversationId)
  }

  const subscribe = async (conversationId: string) => {
    if (!joined.has(conversationId) && joined.size >= MAX_JOINED_CONVERSATIONS) {
      return send(frames.error('invalid_message', `A socket may join at most ${MAX_JOINED_CONVERSATIONS} conversations; unsubscribe from one first`, { conversationId }))
    }
    const allowed = await deps.mayJoin(conversationId, userId)
    if (closed) return abandoned('subscribe')
    if (!allowed) {
      return send(frames.error('forbidden', 'This conversation is unknown or belongs to another user; subscribe to a conversation you have chatted in', { conversationId }))
    }
    await join(conversationId)
    if (closed) return
    send({ type: 'subscribed', conversationId })
  }

  const failed = (what: string, messageId?: string) => (err: unknown) => {
    deps.logger.error({ err, connectionId: id }, `${what} failed`)
    send(frames.error('unavailable', `The ${what} could not be done; try again`, messageId ? { messageId } : {}))
  }

  const handle = (message: ClientMessage) => {
    switch (message.type) {
      case 'ping':
        return send(frames.pong())
      case 'chat':
        return void startChat(message).catch(failed('chat', message.messageId))
      case 'cancel':
        return void cancel(message.messageId).catch(failed('cancel', message.messageId))
      case 'resume':
        return void resume(message.messageId, message.lastSeq).catch(failed('resume', message.messageId))
      case 'subscribe':
        return void subscribe(message.conversationId).catch(failed('subscribe'))
      case 'unsubscribe':
        leave(message.conversationId)
        return send({ type: 'unsubscribed', conversationId: message.conversationId })
    }
  }

  // With authentication on, only the answer's owner may cancel or resume it; without it, the id is the capability.
  const owns = (answer: AnswerView) => answer.userId === undefined || answer.userId === userId

  const cleanUp = () => {
    closed = true
    stopExpiry()
    for (const detach of attachments.values()) detach()
    attachments.clear()
    for (const conversationId of [...joined.keys()]) leave(conversationId)
    deps.connections.remove(id)
    identity.slot.release()
  }

  return {
    onOpen(_event, ws: WSContext<WebSocket>) {
      raw = ws.raw
      if (!raw) return
      raw.on('pong', () => (connection.isAlive = true))
      deps.connections.add(connection)
      deps.logger.info({ event: 'connection_open', connectionId: id, userId }, 'socket opened')
      if (identity.expiresAt !== undefined) {
        // A credential that expires while the socket is open ends the socket then: reconnect with a fresh one.
        stopExpiry = armExpiry(identity.expiresAt, () => raw?.close(CloseCode.credentialExpired, 'credential expired'))
      }
    },
    onMessage(event) {
      connection.messageCount++
      const verdict = budget.take()
      if (verdict !== 'ok') {
        deps.onRejectedFrame?.('flood')
        if (verdict === 'warn') send(frames.error('rate_limited', `Too many messages: at most ${deps.maxMessagesPerSecond} a second; this one was dropped`, { retryAfter: 1 }))
        if (verdict === 'close') raw?.close(CloseCode.policyViolation, 'message flood')
        return
      }
      const data: unknown = (event as { data: unknown }).data
      if (typeof data !== 'string') {
        return reject('binary', 'Binary frames are not supported; send JSON text frames')
      }
      const parsed = parseClientMessage(data, schema)
      if (!parsed.ok) return reject('invalid', parsed.error)
      handle(parsed.message)
    },
    onClose(event) {
      cleanUp()
      deps.logger.info({ event: 'connection_close', connectionId: id, userId, code: event.code, messages: connection.messageCount }, 'socket closed')
    },
    onError(event) {
      const error = (event as Event & { error?: { code?: string } }).error
      if (error?.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') deps.onRejectedFrame?.('payload_too_large')
      deps.logger.warn({ event: 'connection_error', connectionId: id, code: error?.code }, 'socket error')
    },
  }
}
