import { describe, expectTypeOf, it } from 'vitest'
import type { ConversationSummary as IndexSummary } from '../chat/conversation-index.js'
import type { Turn } from '../chat/conversations.js'
import type { ClientMessage } from './frames.js'
import type { ClientFrame, ConversationMessage, ConversationSummary } from './wire.js'

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
