/** WebSocket adapter: parses frames into commands, attaches the socket to answers, answers pings. */
import { randomUUID } from 'node:crypto'
import type { WSContext, WSEvents } from 'hono/ws'
import type { Logger } from 'pino'
import type { WebSocket } from 'ws'
import type { Answer, AnswerService } from '../chat/answers.js'
import type { Connection, ConnectionRegistry } from '../ops/connections.js'
import {
  frames,
  isTerminal,
  parseClientMessage,
  type ClientMessage,
  type ClientMessageSchema,
  type ServerFrame,
} from '../protocol/frames.js'

/** What the transport may ask of the guardrails (auth and limits); all optional for local development. */
export interface SocketGuard {
  /** Refuses a chat before it starts (rate limits, spend cap); undefined = allowed. */
  beforeChat?(userId: string | undefined): { code: 'rate_limited'; error: string; retryAfter: number } | undefined
  /** Called when the socket closes. */
  closed?(userId: string | undefined): void
  /** Seconds until the socket's credential expires, if it does. */
  expiresInMs?: number | undefined
}

export interface SocketDeps {
  answers: AnswerService
  connections: ConnectionRegistry
  logger: Logger
  /** Built once per server, not per socket: a zod schema is large. */
  schema: ClientMessageSchema
  maxBufferedBytes: number
  onRejectedFrame?(reason: string): void
}

export interface SocketIdentity {
  userId: string | undefined
  guard?: SocketGuard
}

/** Builds the events of one chat socket. */
export function chatSocket(deps: SocketDeps, identity: SocketIdentity): WSEvents<WebSocket> {
  const { schema } = deps
  const id = randomUUID()
  const attachments = new Map<string, () => void>()
  const { userId, guard } = identity
  let raw: WebSocket | undefined
  let expiryTimer: NodeJS.Timeout | undefined
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

  const send = (frame: ServerFrame) => {
    if (raw && raw.readyState === raw.OPEN) raw.send(JSON.stringify(frame))
  }

  const reject = (reason: string, error: string, messageId?: string) => {
    deps.onRejectedFrame?.(reason)
    send(frames.error('invalid_message', error, messageId ? { messageId } : {}))
  }

  const attach = (answer: Answer, lastSeq = -1): boolean => {
    const messageId = answer.ids.messageId
    attachments.get(messageId)?.()
    const subscription = answer.attach((frame) => {
      if (raw && raw.bufferedAmount > deps.maxBufferedBytes) {
        // The peer stopped reading: cut it loose instead of buffering without bound.
        if (answer.log.subscriberCount <= 1) answer.cancel('slow_consumer')
        attachments.get(messageId)?.()
        attachments.delete(messageId)
        send(frames.error('slow_consumer', 'You are not reading fast enough; this answer was cancelled', answer.ids))
        return
      }
      send(frame)
      if (isTerminal(frame)) attachments.delete(messageId)
    }, lastSeq)
    if (!subscription.ok) return false
    if (!answer.finished) attachments.set(messageId, subscription.detach)
    return true
  }

  const handle = (message: ClientMessage) => {
    switch (message.type) {
      case 'ping':
        return send(frames.pong())
      case 'chat': {
        const refusal = guard?.beforeChat?.(userId)
        if (refusal) {
          return send(frames.error(refusal.code, refusal.error, { retryAfter: refusal.retryAfter, ...(message.messageId ? { messageId: message.messageId } : {}) }))
        }
        const result = deps.answers.start({ ...message, userId })
        if (!result.ok) {
          const { code, error, retryAfter } = result
          const messageId = result.messageId ?? message.messageId
          return send(frames.error(code, error, { ...(messageId ? { messageId } : {}), ...(message.conversationId ? { conversationId: message.conversationId } : {}), ...(retryAfter ? { retryAfter } : {}) }))
        }
        attach(result.answer)
        return
      }
      case 'cancel': {
        const answer = deps.answers.find(message.messageId)
        if (!answer || !owns(answer)) return send(frames.error('unknown_answer', `No answer ${message.messageId} is known here`, { messageId: message.messageId }))
        if (!attachments.has(message.messageId) && !answer.finished) attach(answer, answer.deltaCount - 1)
        answer.cancel('cancelled')
        return
      }
      case 'resume': {
        const answer = deps.answers.find(message.messageId)
        if (!answer || !owns(answer) || !attach(answer, message.lastSeq)) {
          return send(frames.error('resume_unavailable', `Answer ${message.messageId} can no longer be resumed; send the question again`, { messageId: message.messageId }))
        }
        return
      }
    }
  }

  // With authentication on, only the answer's owner may cancel or resume it; without it, the id is the capability.
  const owns = (answer: Answer) => answer.userId === undefined || answer.userId === userId

  const cleanUp = () => {
    clearTimeout(expiryTimer)
    for (const detach of attachments.values()) detach()
    attachments.clear()
    deps.connections.remove(id)
    guard?.closed?.(userId)
  }

  return {
    onOpen(_event, ws: WSContext<WebSocket>) {
      raw = ws.raw
      if (!raw) return
      raw.on('pong', () => (connection.isAlive = true))
      deps.connections.add(connection)
      deps.logger.info({ event: 'connection_open', connectionId: id, userId }, 'socket opened')
      if (guard?.expiresInMs !== undefined) {
        // A credential that expires while the socket is open ends the socket then (4001: reauthenticate).
        expiryTimer = setTimeout(() => raw?.close(4001, 'credential expired'), Math.max(0, guard.expiresInMs))
      }
    },
    onMessage(event) {
      connection.messageCount++
      const data: unknown = (event as { data: unknown }).data
      if (typeof data !== 'string') {
        return reject('binary', 'Binary frames are not supported; send JSON text frames')
      }
      const parsed = parseClientMessage(data, schema)
      if (!parsed.ok) return reject('invalid', parsed.error, parsed.messageId)
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
