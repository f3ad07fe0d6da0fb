/** The wire types, from the one file the server compiles too (so client and server cannot disagree). */
export type {
  ApiCheck,
  ClientFrame,
  CompleteMetadata,
  ConversationMessage,
  ConversationSummary,
  ErrorCode,
  ServerFrame,
  Source,
  ToolEvent,
  Usage,
} from '../../app/src/protocol/wire.js'
