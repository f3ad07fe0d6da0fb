/** The editor state a question carries (mode, language, cursor, file, last run output): one zod schema for every protocol. */
import { z } from 'zod'

/** What the user wants from this question; the Playground's assistant panel sends one of these. */
export const EDITOR_MODES = ['general-assistant', 'code-review', 'execution-analysis'] as const
export type EditorMode = (typeof EDITOR_MODES)[number]

/** The languages the Playground's editor runs today; others are accepted (a short lowercase name) and rendered as given. */
export const KNOWN_LANGUAGES = ['typescript', 'javascript', 'java', 'go', 'rust'] as const

export interface EditorLimits {
  /** Characters of `code` a request may carry (EDITOR_MAX_CODE_CHARS); more is refused, naming the field. */
  maxCodeChars: number
  /** Characters of `output` a request may carry (EDITOR_MAX_OUTPUT_CHARS); more is refused. */
  maxOutputChars: number
}

/**
 * Defaults: a 2,000-line file of 50 characters a line is 100,000 characters; run output past 50,000 characters
 * is a log, not an error to explain; both fit the request body bound (WS_MAX_PAYLOAD_BYTES, 1 MiB). What reaches the model is cut further (chat/prompt.ts).
 */
export const DEFAULT_EDITOR_LIMITS: EditorLimits = { maxCodeChars: 100_000, maxOutputChars: 50_000 }

/** Lines a cursor can point at; a larger number is not a real editor's. */
const MAX_LINE = 1_000_000

export function editorContextSchema(limits: EditorLimits = DEFAULT_EDITOR_LIMITS) {
  return z
    .object({
      type: z.enum(EDITOR_MODES, { error: `must be one of ${EDITOR_MODES.join(', ')}` }),
      language: z
        .string({ error: 'must be a string' })
        .regex(/^[a-z][a-z0-9+#._-]{0,31}$/, { message: `must be a short lowercase language name such as ${KNOWN_LANGUAGES.join(', ')}` })
        .optional(),
      currentLine: z
        .number({ error: 'must be a number' })
        .int({ message: 'must be a whole number' })
        .min(0, { message: 'must be the 1-based line of the cursor (0 for none)' })
        .max(MAX_LINE, { message: `must be at most ${MAX_LINE}` })
        .optional(),
      code: z.string({ error: 'must be a string' }).max(limits.maxCodeChars, { message: `must be at most ${limits.maxCodeChars} characters` }).default(''),
      output: z.string({ error: 'must be a string' }).max(limits.maxOutputChars, { message: `must be at most ${limits.maxOutputChars} characters` }).default(''),
      model: z.string({ error: 'must be a string' }).min(1, { message: 'must not be empty' }).max(128, { message: 'must be at most 128 characters' }).optional(),
      useCustomKey: z.boolean({ error: 'must be true or false' }).optional(),
    })
    .meta({ description: 'The editor state: what the user wants (type), the file, the cursor line and the last run output' })
}

export type EditorContextSchema = ReturnType<typeof editorContextSchema>
export type EditorContext = z.infer<EditorContextSchema>
