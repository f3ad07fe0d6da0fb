/** The `proposeCode` tool's input: the zod schema the server validates with, and the JSON schema for the tool definition. */
import { z } from 'zod'

export const PROPOSE_CODE_TOOL = 'proposeCode'

export const proposedChangeSchema = z.object({
  mode: z.enum(['add', 'replace', 'delete']).describe('add: insert code between the context lines; replace: put code in place of the lines between them; delete: remove the lines between them'),
  code: z.string().max(20_000).describe('The new code (empty for delete)'),
  contextBefore: z.string().max(2_000).describe('2-3 unchanged lines of the current file just above the change, copied exactly'),
  contextAfter: z.string().max(2_000).describe('2-3 unchanged lines of the current file just below the change, copied exactly'),
})

export const proposeCodeInputSchema = z.object({
  changes: z.array(proposedChangeSchema).min(1).max(20).describe('The changes to the editor file, each located by its context lines'),
})

export type ProposedChange = z.infer<typeof proposedChangeSchema>
export type ProposeCodeInput = z.infer<typeof proposeCodeInputSchema>

export const PROPOSE_CODE_DESCRIPTION =
  "Propose changes to the user's editor file. Locate each change by 2-3 unchanged lines before and after it; the server places it on the file's lines and the user applies it."

/** The tool's parameters as JSON Schema (draft 2020-12 subset that OpenAI function calling accepts). */
export function proposeCodeJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(proposeCodeInputSchema, { target: 'draft-2020-12' }) as Record<string, unknown>
  delete schema.$schema
  return schema
}

/** Parses a tool call's arguments (a JSON string or an object); the error names the field and the fix. */
export function parseProposeCodeInput(input: unknown): { ok: true; value: ProposeCodeInput } | { ok: false; error: string } {
  let value = input
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input)
    } catch {
      return { ok: false, error: 'the arguments are not valid JSON; send {"changes":[{"mode","code","contextBefore","contextAfter"}]}' }
    }
  }
  const result = proposeCodeInputSchema.safeParse(value)
  if (result.success) return { ok: true, value: result.data }
  const issue = result.error.issues[0]!
  return { ok: false, error: `${issue.path.join('.') || 'input'}: ${issue.message}` }
}
