/** @hedera-playground-assistant/client: a typed client for the assistant's WebSocket and REST API. */
export { connect, AskError, type Ask, type AskOptions, type Client, type ConnectOptions, type ConnectionEvent, type Subscription, type WebSocketConstructor } from './connection.js'
export { conversationsApi, ApiError, type ConversationsApi, type ConversationsApiOptions } from './conversations-api.js'
export type { AskEvent, ClientErrorCode } from './answer-stream.js'
export type { BackoffSettings } from './backoff.js'
export { ConnectionError } from './link.js'
export type { LinkState } from './link-state.js'
export type { ReconnectSettings } from './reconnect-policy.js'
export type * from './protocol.js'
