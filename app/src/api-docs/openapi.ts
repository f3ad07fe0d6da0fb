/**
 * The OpenAPI 3.1 description of the HTTP and SSE endpoints (GET /api/openapi.json), built from the zod
 * schemas the server validates requests with and the schemas of its responses, so it cannot drift.
 */
import { DEFAULT_EDITOR_LIMITS, editorContextSchema, type EditorLimits } from '../protocol/editor-context.js'
import { ChatRequestSchema, IdSchema } from '../protocol/frames.js'
import {
  ChatHistorySchema,
  ConversationListSchema,
  ConversationSchema,
  ErrorBodySchema,
  HealthSchema,
  InfoSchema,
  PlaygroundErrorBodySchema,
  RenamedSchema,
  UserAiKeyInfoSchema,
  UserAiKeyRequestSchema,
  ServerFrameSchema,
  StatsSchema,
  StoppedSchema,
} from '../protocol/http-schemas.js'
import { aiSdkBodySchema } from '../transport/ai-sdk/request.js'
import { RenameSchema } from '../transport/conversation-routes.js'
import { FeedbackSchema } from '../quality/quality-routes.js'
import { jsonSchemaOf, type JsonSchema } from './json-schema.js'

export interface ApiDocumentSettings {
  version: string
  maxContentChars: number
  authMode: 'none' | 'token' | 'jwt' | 'gateway'
  /** The bounds the server checks the AI SDK body and the editor state against (defaults when absent). */
  aiSdk?: { maxMessages: number; maxParts: number }
  editor?: EditorLimits
  /** AUTH_MODE=gateway: the header holding the user id. */
  gatewayHeader?: string
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const json = (name: string) => ({ 'application/json': { schema: ref(name) } })
const problem = (description: string) => ({ description, content: json('Error') })
/** A refusal on a path the Playground's frontend calls: the Playground's error fields beside this server's. */
const playgroundProblem = (description: string) => ({ description, content: json('PlaygroundError') })

const SSE_DESCRIPTION =
  'Server-Sent Events: `chat_start`, then `chat_delta` events (the SSE `id` is the delta `seq`), then `chat_complete`, or an `error`. Each event\'s data is one ServerFrame (JSON).'

export function openApiDocument(settings: ApiDocumentSettings): Record<string, unknown> {
  const editor = settings.editor ?? DEFAULT_EDITOR_LIMITS
  const schemas: Record<string, JsonSchema> = {
    ChatRequest: jsonSchemaOf(ChatRequestSchema(settings.maxContentChars, editor), 'input'),
    AiSdkChatRequest: jsonSchemaOf(aiSdkBodySchema(settings.aiSdk ?? { maxMessages: 200, maxParts: 100 }), 'input'),
    EditorContext: jsonSchemaOf(editorContextSchema(editor), 'input'),
    PlaygroundError: jsonSchemaOf(PlaygroundErrorBodySchema, 'output'),
    ChatHistory: jsonSchemaOf(ChatHistorySchema, 'output'),
    Stopped: jsonSchemaOf(StoppedSchema, 'output'),
    RenameRequest: jsonSchemaOf(RenameSchema, 'input'),
    FeedbackRequest: jsonSchemaOf(FeedbackSchema, 'input'),
    FeedbackSaved: {
      type: 'object',
      required: ['messageId', 'rating'],
      properties: { messageId: { type: 'string' }, rating: { type: 'string', enum: ['up', 'down'] } },
    },
    QualityReport: {
      type: 'object',
      required: ['since', 'answers', 'withSignals', 'totals', 'groups', 'content'],
      description: 'docs/observability.md: the answers with quality signals, grouped worst first',
      properties: {
        since: { type: 'string', format: 'date-time' },
        answers: { type: 'integer', minimum: 0 },
        withSignals: { type: 'integer', minimum: 0 },
        totals: { type: 'object', additionalProperties: { type: 'integer', minimum: 0 } },
        groups: { type: 'array', items: { type: 'object', required: ['key', 'answers', 'signals', 'sources'] } },
        content: { type: 'boolean', description: 'Whether questions are kept (LOG_CONTENT)' },
      },
    },
    ServerFrame: jsonSchemaOf(ServerFrameSchema, 'output'),
    Error: jsonSchemaOf(ErrorBodySchema, 'output'),
    Health: jsonSchemaOf(HealthSchema, 'output'),
    Info: jsonSchemaOf(InfoSchema, 'output'),
    Stats: jsonSchemaOf(StatsSchema, 'output'),
    ConversationList: jsonSchemaOf(ConversationListSchema, 'output'),
    Conversation: jsonSchemaOf(ConversationSchema, 'output'),
    Renamed: jsonSchemaOf(RenamedSchema, 'output'),
    UserAiKeyRequest: jsonSchemaOf(UserAiKeyRequestSchema, 'input'),
    UserAiKeyInfo: jsonSchemaOf(UserAiKeyInfoSchema, 'output'),
    SseEvent: {
      type: 'object',
      required: ['event', 'data'],
      properties: {
        event: { type: 'string', enum: ['chat_start', 'chat_delta', 'chat_complete', 'error'] },
        data: { type: 'string', contentMediaType: 'application/json', contentSchema: ref('ServerFrame') },
        // `end` marks a terminal event where the server sends one (a reconnect that sends it back is told the answer ended).
        id: { type: 'string', pattern: '^(\\d+|end)$', description: 'The delta seq: send it back as Last-Event-ID to resume' },
      },
    },
  }
  const id = jsonSchemaOf(IdSchema, 'input')
  const pathId = (name: string, description: string) => ({ name, in: 'path', required: true, description, schema: id })
  const authRefusals = {
    '401': problem('A missing or bad credential (when AUTH_MODE is token or jwt)'),
    '429': problem('A rate limit; `retryAfter` and the Retry-After header say when to try again'),
  }
  const sse = {
    description: SSE_DESCRIPTION,
    headers: {
      'x-message-id': { description: 'The answer id (resume with GET .../chat/{messageId})', schema: { type: 'string' } },
      'x-conversation-id': { description: 'The conversation id (send it with the next question)', schema: { type: 'string' } },
    },
    // itemSchema (as in OpenAPI 3.2) describes one event; schema the whole stream, as a list of events.
    content: { 'text/event-stream': { schema: { type: 'array', items: ref('SseEvent') }, itemSchema: ref('SseEvent') } },
  }
  const playgroundRefusals = {
    '401': playgroundProblem('A missing or bad credential (AUTH_MODE token or jwt), or no user header (AUTH_MODE=gateway)'),
    '429': playgroundProblem('A rate limit or the token budget; `retryAfter` and the Retry-After header say when to try again'),
  }
  const uiStream = {
    description:
      'An AI SDK UI message stream (`x-vercel-ai-ui-message-stream: v1`): one UIMessageChunk (JSON) per `data:` line: start, start-step, text-start, text-delta, text-end, source-document, message-metadata, finish-step, finish (or abort, or error), then `data: [DONE]`. See docs/ai-sdk.md.',
    headers: { 'x-vercel-ai-ui-message-stream': { description: 'v1', schema: { type: 'string', const: 'v1' } } },
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  }
  const chatId = pathId('chatId', 'The chat id (the AI SDK `id`): the conversation')
  const health = {
    get: {
      summary: 'Readiness and health',
      security: [{}],
      responses: { '200': { description: 'Serving (status healthy, or degraded with a reason)', content: json('Health') }, '503': { description: 'Shutting down', content: json('Health') } },
    },
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Hedera Playground Assistant',
      version: settings.version,
      description:
        'Streaming AI answers for Hedera developers over SSE (described here) and WebSocket (docs/asyncapi.yaml). Errors are JSON with a stable `code` and a sentence in `error`.',
    },
    servers: [{ url: '/' }],
    components: {
      schemas,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'API token or JWT, when AUTH_MODE is token or jwt' },
        gateway: { type: 'apiKey', in: 'header', name: settings.gatewayHeader ?? 'x-user-id', description: 'The user id a trusted gateway sets, when AUTH_MODE=gateway' },
      },
    },
    // Anonymous access is allowed when AUTH_MODE=none; a bearer credential, or the gateway's header, otherwise.
    security: settings.authMode === 'none' ? [{}, { bearer: [] }] : settings.authMode === 'gateway' ? [{ gateway: [] }] : [{ bearer: [] }],
    paths: {
      '/health': health,
      '/api/playground/assistant/health': health,
      '/api/info': { get: { summary: 'What this server is and offers', security: [{}], responses: { '200': { description: 'Name, version, endpoints, auth mode', content: json('Info') } } } },
      '/api/openapi.json': { get: { summary: 'This document', security: [{}], responses: { '200': { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object' } } } } } } },
      '/api/stats': {
        get: {
          summary: 'Open sockets (operators: ADMIN_TOKEN when set)',
          responses: { '200': { description: 'Connection counts', content: json('Stats') }, ...authRefusals },
        },
      },
      '/api/playground/assistant/chat': {
        post: {
          summary: 'Ask a question; the answer streams back as SSE, or as an AI SDK UI message stream',
          description:
            'The body decides the protocol: `{ content }` (ChatRequest) streams this server\'s SSE events; with `messageId` of a known answer and a `Last-Event-ID` header it resumes that answer instead. The AI SDK chat body (AiSdkChatRequest: `{ id, messages, trigger }`, what `useChat` sends) streams a UI message stream; its last message carries the editor state (EditorContext) as `metadata`.',
          requestBody: { required: true, content: { 'application/json': { schema: { anyOf: [ref('ChatRequest'), ref('AiSdkChatRequest')] } } } },
          responses: {
            '200': { ...sse, description: `${SSE_DESCRIPTION} For the AI SDK body: ${uiStream.description}`, headers: { ...sse.headers, ...uiStream.headers } },
            '400': playgroundProblem('The body is not JSON, or a field is missing or invalid (`details.field` names it on the AI SDK path)'),
            '403': playgroundProblem('The conversation belongs to another user'),
            '409': playgroundProblem('The conversation is still answering a question'),
            '413': problem('The body is over WS_MAX_PAYLOAD_BYTES'),
            '415': problem('The body is not application/json'),
            '503': playgroundProblem('No model is configured, the server is shutting down, or the shared store is unreachable'),
            ...playgroundRefusals,
          },
        },
      },
      '/api/playground/assistant/chat/{chatId}/stream': {
        parameters: [chatId],
        get: {
          summary: 'Resume the answer streaming in a chat (useChat with resume: true)',
          responses: {
            '200': uiStream,
            '204': { description: 'No answer of this chat is streaming (or it is another user\'s)' },
            '400': playgroundProblem('chatId is malformed'),
            ...playgroundRefusals,
          },
        },
        delete: {
          summary: 'Stop the answer streaming in a chat: its upstream request is aborted',
          responses: {
            '202': { description: 'Cancelled', content: json('Stopped') },
            '204': { description: 'No answer of this chat is streaming (or it is another user\'s)' },
            '400': playgroundProblem('chatId is malformed'),
            ...playgroundRefusals,
          },
        },
      },
      '/api/playground/assistant/chat/history/{conversationId}': {
        get: {
          summary: "A conversation's turns as AI SDK UI messages, for its owner",
          parameters: [pathId('conversationId', 'The conversation (the AI SDK chat id)')],
          responses: {
            '200': { description: 'Its turns, oldest first', content: json('ChatHistory') },
            '400': playgroundProblem('conversationId is malformed'),
            '404': playgroundProblem('Unknown, expired, or not yours'),
            ...playgroundRefusals,
          },
        },
      },
      '/api/playground/assistant/chat/{messageId}': {
        get: {
          summary: 'Resume an answer (EventSource-friendly)',
          parameters: [
            pathId('messageId', 'The answer to resume'),
            { name: 'Last-Event-ID', in: 'header', required: false, description: 'The last delta seq received; absent or blank replays from chat_start', schema: { type: 'string', pattern: '^\\s*\\d*\\s*$' } },
          ],
          responses: {
            '200': sse,
            '204': { description: 'The answer already ended (Last-Event-ID named its terminal event): nothing more to send' },
            '400': problem('messageId or Last-Event-ID is malformed'),
            '404': problem('The answer is unknown or no longer resumable'),
            ...authRefusals,
          },
        },
      },
      '/api/conversations': {
        get: {
          summary: "The signed-in user's conversations, most recent first",
          responses: { '200': { description: 'The list', content: json('ConversationList') }, ...authRefusals },
        },
      },
      '/api/conversations/{conversationId}': {
        parameters: [pathId('conversationId', 'The conversation')],
        get: {
          summary: 'A conversation and its turns',
          responses: { '200': { description: 'Its messages, oldest first', content: json('Conversation') }, '400': problem('conversationId is malformed'), '404': problem('Unknown, expired, or not yours'), ...authRefusals },
        },
        patch: {
          summary: 'Rename a conversation',
          requestBody: { required: true, content: json('RenameRequest') },
          responses: { '200': { description: 'Renamed', content: json('Renamed') }, '400': problem('conversationId or title is invalid'), '404': problem('Unknown, expired, or not yours'), ...authRefusals },
        },
        delete: {
          summary: 'Delete a conversation and its history',
          responses: { '204': { description: 'Deleted' }, '400': problem('conversationId is malformed'), '404': problem('Unknown, expired, or not yours'), ...authRefusals },
        },
      },
      '/api/playground/assistant/answers/{messageId}/feedback': {
        parameters: [pathId('messageId', 'The answer')],
        post: {
          summary: "Rate an answer: its owner, once, at most 30 ratings a minute",
          requestBody: { required: true, content: json('FeedbackRequest') },
          responses: {
            '201': { description: 'Saved', content: json('FeedbackSaved') },
            '400': problem('messageId or the body is invalid'),
            '404': problem('Unknown, not yours, or older than the history kept'),
            '409': problem('Already rated'),
            '503': problem('The quality store (Redis) is unreachable; retry after Retry-After'),
            ...authRefusals,
          },
        },
      },
      '/api/admin/quality': {
        get: {
          summary: 'The questions served worst (ADMIN_TOKEN)',
          security: [{ bearer: [] }],
          parameters: [{ name: 'hours', in: 'query', required: false, description: 'The window in hours (default 24)', schema: { type: 'string', pattern: '^\\d{1,4}$' } }],
          responses: {
            '200': { description: 'The report', content: json('QualityReport') },
            '400': problem('hours is invalid'),
            '401': problem('The admin token is missing or wrong, or ADMIN_TOKEN is not set on the server'),
            '503': problem('The quality store (Redis) is unreachable'),
          },
        },
      },
      '/api/playground/assistant/user-ai-key': {
        post: {
          summary: "Store the signed-in user's own OpenAI key (checked with one call to OpenAI, then sealed)",
          requestBody: { required: true, content: json('UserAiKeyRequest') },
          responses: {
            '201': { description: 'Stored; only its masked form comes back', content: json('UserAiKeyInfo') },
            '400': problem('The key is malformed or OpenAI refused it (`reason` byok_key_invalid or byok_key_refused)'),
            '404': problem("Users' own keys are not enabled on this server (`reason` byok_disabled)"),
            '503': problem('OpenAI, Cloud KMS or the key store is unreachable; nothing was stored'),
            ...authRefusals,
          },
        },
        get: {
          summary: "Whether the signed-in user has a key stored, its masked form, and the models it may be used with",
          responses: { '200': { description: 'What is stored', content: json('UserAiKeyInfo') }, '404': problem("Users' own keys are not enabled on this server"), '503': problem('The key store is unreachable'), ...authRefusals },
        },
        delete: {
          summary: "Remove the signed-in user's key",
          responses: { '204': { description: 'Removed' }, '404': problem('No key stored, or not enabled on this server'), '503': problem('The key store is unreachable'), ...authRefusals },
        },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics (METRICS_TOKEN when set; absent when METRICS_PORT is set)',
          security: [{}, { bearer: [] }],
          responses: { '200': { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } }, '401': problem('The metrics token is missing or wrong') },
        },
      },
    },
  }
}
