/**
 * The AsyncAPI 3.0 description of the WebSocket protocol (docs/asyncapi.yaml), from the zod schemas the
 * server parses client frames with and the schema of the frames it sends.
 */
import { clientMessageSchema } from '../protocol/frames.js'
import { ServerFrameSchema } from '../protocol/http-schemas.js'
import { jsonSchemaOf, type JsonSchema } from './json-schema.js'
import type { ApiDocumentSettings } from './openapi.js'

const CLIENT_DESCRIPTIONS: Record<string, string> = {
  chat: 'Ask; ids are kept when given, made (UUID) when not.',
  ping: 'Answered by pong.',
  cancel: 'Stop that answer: it ends with chat_complete, finishReason "cancelled".',
  resume: 'After a reconnect: every frame after delta lastSeq, then the live rest (-1 replays from chat_start), exactly once and in order.',
  subscribe: "Join a conversation: frames of every answer started in it, from any socket, and conversation_updated; answered by subscribed.",
  unsubscribe: 'Leave it; answered by unsubscribed.',
}

export function asyncApiDocument(settings: ApiDocumentSettings): Record<string, unknown> {
  const union = jsonSchemaOf(clientMessageSchema(settings.maxContentChars), 'input') as { oneOf: JsonSchema[] }
  const clientMessages: Record<string, unknown> = {}
  for (const schema of union.oneOf) {
    const type = (schema.properties as { type: { const: string } }).type.const
    clientMessages[type] = { name: type, title: `${type} (client -> server)`, summary: CLIENT_DESCRIPTIONS[type] ?? type, contentType: 'application/json', payload: schema }
  }
  const serverFrame = {
    name: 'serverFrame',
    title: 'Server frame (server -> client)',
    summary: 'chat_start, chat_delta (seq 0, 1, 2, ... without gaps), chat_complete or error per answer; pong, subscribed, unsubscribed, conversation_updated.',
    contentType: 'application/json',
    payload: jsonSchemaOf(ServerFrameSchema, 'output'),
  }
  const channelMessages: Record<string, { $ref: string }> = {}
  for (const name of [...Object.keys(clientMessages), 'serverFrame']) channelMessages[name] = { $ref: `#/components/messages/${name}` }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Hedera Playground Assistant WebSocket',
      version: settings.version,
      description: [
        'JSON text frames over one WebSocket. A browser sends its credential as a subprotocol: new WebSocket(url, ["bearer", token]).',
        `Frames are at most WS_MAX_PAYLOAD_BYTES (1 MiB by default); content at most ${settings.maxContentChars} characters (CHAT_MAX_CONTENT_CHARS).`,
        'Close codes: 1009 frame too large, 1012 server restarting (reconnect, then resume), 1008 a client that kept flooding, 4001 the credential expired, 1006 after a missed heartbeat.',
        'Generated from the server\'s zod schemas by `npm run docs:api`; a test fails when this file is out of date.',
      ].join('\n'),
    },
    servers: {
      local: { host: 'localhost:3001', protocol: 'ws', description: 'npm start' },
    },
    channels: {
      chat: { address: '/ws/chat', title: 'Chat (also at /api/playground/assistant/ws)', messages: channelMessages },
    },
    operations: {
      sendClientFrame: {
        action: 'receive',
        title: 'The server receives client frames',
        channel: { $ref: '#/channels/chat' },
        messages: Object.keys(clientMessages).map((t) => ({ $ref: `#/channels/chat/messages/${t}` })),
      },
      receiveServerFrame: {
        action: 'send',
        title: 'The server sends frames',
        channel: { $ref: '#/channels/chat' },
        messages: [{ $ref: '#/channels/chat/messages/serverFrame' }],
      },
    },
    components: { messages: { ...clientMessages, serverFrame } },
  }
}
