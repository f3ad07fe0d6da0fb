/** The seam between the MCP tools and whatever checks code: the shapes check_code and explain_status return. */
import { z } from 'zod'

/** Languages the checks understand today (the SDK's TypeScript declarations also describe its JavaScript). */
export const CODE_LANGUAGES = ['typescript', 'javascript'] as const
export type CodeLanguage = (typeof CODE_LANGUAGES)[number]

/** A finding on the user's file, 1-based lines and columns (the same shape as the code unit's Diagnostic). */
export const diagnosticSchema = z.object({
  line: z.number().int(),
  column: z.number().int(),
  endLine: z.number().int(),
  endColumn: z.number().int(),
  severity: z.enum(['error', 'warning', 'info']),
  message: z.string(),
  /** `hedera-api` (names checked against the API index), `typescript`, or `rule:<name>`. */
  source: z.string(),
  /** The rule's name, for `rule:` sources. */
  rule: z.string().optional(),
  /** The compiler's error number, for `typescript` sources. */
  code: z.number().int().optional(),
})

/** A change placed on the user's file (1-based, inclusive), in the Playground's `appliedChanges` shape. */
export const patchSchema = z.object({
  mode: z.enum(['add', 'replace', 'delete']),
  startLine: z.number().int(),
  endLine: z.number().int(),
  code: z.string(),
  title: z.string(),
  source: z.string(),
})

export const codeCheckResultSchema = z.object({
  language: z.enum(CODE_LANGUAGES),
  /** What ran, so an agent knows how far "no diagnostics" goes (e.g. `hedera-api`, `typescript`). */
  checks: z.array(z.string()),
  diagnostics: z.array(diagnosticSchema),
  patches: z.array(patchSchema),
  /** Diagnostics left out to keep the result small. */
  omitted: z.number().int(),
})

export const statusExplanationSchema = z.object({
  /** The network's name, e.g. INVALID_SIGNATURE. */
  status: z.string(),
  /** The SDK's member, e.g. Status.InvalidSignature. */
  member: z.string(),
  /** Where the output says it was reported: before consensus (no fee), in the receipt (fee paid), or unknown. */
  phase: z.enum(['precheck', 'receipt', 'unknown']),
  meaning: z.string(),
  likelyCause: z.string(),
  remedy: z.string(),
  /** Guides that cover it, as resource URIs. */
  sources: z.array(z.object({ uri: z.string(), title: z.string() })),
})

export const outputExplanationSchema = z.object({
  statuses: z.array(statusExplanationSchema),
  /** Said when the text names no status the SDK knows. */
  note: z.string().optional(),
})

export type Diagnostic = z.infer<typeof diagnosticSchema>
export type Patch = z.infer<typeof patchSchema>
export type CodeCheckResult = z.infer<typeof codeCheckResultSchema>
export type StatusExplanation = z.infer<typeof statusExplanationSchema>
export type OutputExplanation = z.infer<typeof outputExplanationSchema>

/** What check_code and explain_status call: the code unit (code-intelligence-checks.ts) on the servers, the knowledge base alone by default. */
export interface CodeChecks {
  check(code: string, language: CodeLanguage): Promise<CodeCheckResult>
  explainOutput(text: string): OutputExplanation
}
