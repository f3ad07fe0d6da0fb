/** The wire types and close codes, from the one file the server compiles too (so client and server cannot disagree). */
export { CloseCode } from '../../app/src/protocol/wire.js'
export type {
  ApiCheck,
  ClientFrame,
  CompleteMetadata,
  ConversationMessage,
  ConversationSummary,
  Diagnostic,
  CodeCheck,
  EditorState,
  AppliedChange,
  Patch,
  ErrorCode,
  ServerFrame,
  Source,
  ToolEvent,
  Usage,
} from '../../app/src/protocol/wire.js'
