/** zod -> the JSON Schema (2020-12) embedded in OpenAPI 3.1 and AsyncAPI 3 documents. */
import { z } from 'zod'

export type JsonSchema = Record<string, unknown>

/** `input`: what a request may carry (before defaults and transforms); `output`: what the server sends. */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const document = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema
  // The dialect is the enclosing document's (OpenAPI 3.1 and AsyncAPI 3 both default to 2020-12).
  delete document.$schema
  return document
}
