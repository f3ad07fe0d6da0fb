import { describe, expectTypeOf, it } from 'vitest'
import type { z } from 'zod'
import type { ConversationSummary as IndexSummary } from '../chat/conversation-index.js'
import type { Turn } from '../chat/conversations.js'
import type { ClientMessage } from './frames.js'
import type { CompleteMetadataSchema, ConversationMessageSchema, ConversationSummarySchema, ERROR_CODES, ServerFrameSchema } from './http-schemas.js'
import type { ClientFrame, CompleteMetadata, ConversationMessage, ConversationSummary, ErrorCode, ServerFrame } from './wire.js'

// These fail `npm run typecheck` (not only vitest) when the client's types and the server's schemas drift.
describe('the wire types the client compiles against', () => {
  it('match what the zod schemas of the server accept', () => {
    expectTypeOf<ClientMessage>().toEqualTypeOf<ClientFrame>()
  })

  it('match the REST bodies the server sends', () => {
    expectTypeOf<IndexSummary>().toEqualTypeOf<ConversationSummary>()
    expectTypeOf<Turn>().toEqualTypeOf<ConversationMessage>()
  })
})

describe('the response schemas the API documents come from', () => {
  it('infer exactly the wire types', () => {
    expectTypeOf<z.infer<typeof ServerFrameSchema>>().toEqualTypeOf<ServerFrame>()
    expectTypeOf<z.infer<typeof CompleteMetadataSchema>>().toEqualTypeOf<CompleteMetadata>()
    expectTypeOf<z.infer<typeof ConversationSummarySchema>>().toEqualTypeOf<ConversationSummary>()
    expectTypeOf<z.infer<typeof ConversationMessageSchema>>().toEqualTypeOf<ConversationMessage>()
  })

  it('list every error code', () => {
    expectTypeOf<(typeof ERROR_CODES)[number]>().toEqualTypeOf<ErrorCode>()
  })
})
