/** The committed API index of the SDK (knowledge/api-index.json): its shape, and the checked loader. */
import { z } from 'zod'

const methodSchema = z.object({
  name: z.string().min(1),
  static: z.boolean().optional(),
  signature: z.string(),
  summary: z.string().optional(),
  deprecated: z.string().optional(),
})

const classSchema = z.object({
  name: z.string().min(1),
  summary: z.string().optional(),
  deprecated: z.string().optional(),
  extends: z.string().optional(),
  methods: z.array(methodSchema),
  constants: z.array(z.string()).optional(),
})

const enumSchema = z.object({
  name: z.string().min(1),
  members: z.array(z.object({ name: z.string().min(1), value: z.string() })),
})

export const apiIndexSchema = z.object({
  sdk: z.string().min(1),
  version: z.string().regex(/^\d+\.\d+\.\d+/),
  /** Java and Rust indexes: a digest of the SDK sources they were built from (see scripts/knowledge/pinned-sdks.ts). */
  sourceDigest: z.string().optional(),
  classes: z.array(classSchema).min(1),
  enums: z.array(enumSchema),
  functions: z.array(z.string()),
})

export type ApiMethod = z.infer<typeof methodSchema>
export type ApiClass = z.infer<typeof classSchema>
export type ApiEnum = z.infer<typeof enumSchema>
export type ApiIndex = z.infer<typeof apiIndexSchema>

/** Parses the index text; throws a one-sentence Error saying what is wrong. */
export function parseApiIndex(text: string): ApiIndex {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new Error('is not valid JSON')
  }
  const result = apiIndexSchema.safeParse(json)
  if (!result.success) {
    const issue = result.error.issues[0]!
    throw new Error(`does not have the expected shape (${issue.path.join('.') || 'root'}: ${issue.message})`)
  }
  return result.data
}

/** The text of the index as committed: stable key order, one class per line, so diffs stay readable. */
export function serializeApiIndex(index: ApiIndex): string {
  const line = (value: unknown) => JSON.stringify(value)
  return [
    '{',
    `"sdk": ${line(index.sdk)},`,
    `"version": ${line(index.version)},`,
    ...(index.sourceDigest ? [`"sourceDigest": ${line(index.sourceDigest)},`] : []),
    `"functions": ${line(index.functions)},`,
    '"enums": [',
    index.enums.map(line).join(',\n'),
    '],',
    '"classes": [',
    index.classes.map(line).join(',\n'),
    ']',
    '}',
    '',
  ].join('\n')
}
