/** The four MCP tools: zod input and output schemas, short descriptions, and handlers that call the services. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { z } from 'zod'
import { apiLookupSchema } from './api-lookup.js'
import { CODE_LANGUAGES, codeCheckResultSchema, outputExplanationSchema } from './code-checks.js'
import type { McpServices } from './services.js'
import { apiUri, guideUri } from './uris.js'

export const MAX_QUERY_CHARS = 500
export const MAX_CODE_CHARS = 50_000
export const MAX_OUTPUT_CHARS = 20_000
const MAX_HITS = 20
const DEFAULT_HITS = 6
const PASSAGE_CHARS = 700

export const TOOL_NAMES = ['search_knowledge', 'lookup_sdk_api', 'check_code', 'explain_status'] as const

const language = z.enum(CODE_LANGUAGES, { error: `language must be one of ${CODE_LANGUAGES.join(', ')} (the SDK the knowledge covers)` })

const searchInput = {
  query: z.string({ error: 'query must be a string: the words to search for' }).trim().min(1, 'query is empty; pass the words to search for, e.g. "associate a token"').max(MAX_QUERY_CHARS, `query is over ${MAX_QUERY_CHARS} characters; shorten it to the question`),
  language: language.optional(),
  limit: z.number({ error: `limit must be a whole number from 1 to ${MAX_HITS}` }).int().min(1).max(MAX_HITS).optional(),
}
const searchOutput = {
  query: z.string(),
  hits: z.array(
    z.object({
      /** A resource URI to read the whole guide or API entry. */
      uri: z.string(),
      /** The passage id (`guide-id#n` or `api:Class`), stable for citing. */
      passage: z.string(),
      kind: z.enum(['guide', 'api']),
      title: z.string(),
      heading: z.string(),
      text: z.string(),
      score: z.number(),
    }),
  ),
}

const lookupInput = {
  name: z
    .string({ error: 'name must be a string: a class (TransferTransaction) or Class.member (Client.forTestnet)' })
    .trim()
    .regex(/^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)?(?:\(\))?$/, 'name must be a class (TransferTransaction) or Class.member (Client.forTestnet), without arguments'),
  offset: z.number({ error: 'offset must be a whole number (nextOffset of the previous page)' }).int().min(0).optional(),
  limit: z.number({ error: 'limit must be a whole number from 1 to 100' }).int().min(1).max(100).optional(),
}

const checkInput = {
  code: z
    .string({ error: 'code must be a string: the text of one source file' })
    .min(1, 'code is empty; pass the text of the file to check')
    .max(MAX_CODE_CHARS, `code is over ${MAX_CODE_CHARS} characters; check one file (or the part that uses the SDK) at a time`),
  language: language.optional(),
}

const explainInput = {
  output: z
    .string({ error: 'output must be a string: the program output, error message or status name' })
    .trim()
    .min(1, 'output is empty; pass the error text or a status name such as INVALID_SIGNATURE')
    .max(MAX_OUTPUT_CHARS, `output is over ${MAX_OUTPUT_CHARS} characters; pass the part with the error`),
}

export function registerTools(server: McpServer, services: McpServices): void {
  const { knowledge, checks, lookup } = services
  const readOnly = { readOnlyHint: true, openWorldHint: false, idempotentHint: true }

  /** Both forms an agent reads: structured content, and the same as JSON text for clients that show only text. */
  const reply = (value: Record<string, unknown>): CallToolResult => ({ structuredContent: value, content: [{ type: 'text', text: JSON.stringify(value) }] })

  server.registerTool(
    'search_knowledge',
    {
      title: 'Search Hedera knowledge',
      description: `Search checked Hedera guides and the API index of ${knowledge.index.sdk} ${knowledge.index.version} (JavaScript/TypeScript). Returns ranked passages with a resource URI per source; read the URI for the whole guide.`,
      inputSchema: searchInput,
      outputSchema: searchOutput,
      annotations: readOnly,
    },
    function searchKnowledge({ query, limit }) {
      // Every passage today is about the JavaScript SDK, so both languages read the same passages.
      const hits = knowledge.search(query, limit ?? DEFAULT_HITS).map(({ passage, score }) => ({
        uri: passage.kind === 'guide' ? guideUri(passage.sourceId) : apiUri(passage.sourceId),
        passage: passage.id,
        kind: passage.kind,
        title: passage.title,
        heading: passage.heading,
        text: clip(passage.text, PASSAGE_CHARS),
        score: Math.round(score * 100) / 100,
      }))
      return reply({ query, hits })
    },
  )

  server.registerTool(
    'lookup_sdk_api',
    {
      title: 'Look up an SDK class or method',
      description: `Exact entry of ${knowledge.index.sdk} ${knowledge.index.version} for a class (TransferTransaction) or Class.member (Client.forTestnet, Status.InvalidSignature): signatures, summaries, deprecation and replacement. Members are paged (offset, limit); near names when nothing matches.`,
      inputSchema: lookupInput,
      outputSchema: apiLookupSchema.shape,
      annotations: readOnly,
    },
    function lookupSdkApi({ name, offset, limit }) {
      return reply(lookup(name, { ...(offset !== undefined ? { offset } : {}), ...(limit !== undefined ? { limit } : {}) }))
    },
  )

  server.registerTool(
    'check_code',
    {
      title: 'Check Hedera SDK code',
      description: `Check one source file that uses ${knowledge.index.sdk} (type check, pitfall rules, SDK names): diagnostics with 1-based lines and placed patches (mode replace, add or delete on lines startLine..endLine). No diagnostics means the checks listed in "checks" found nothing.`,
      inputSchema: checkInput,
      outputSchema: codeCheckResultSchema.shape,
      annotations: readOnly,
    },
    async function checkCode({ code, language }) {
      return reply(await checks.check(code, language ?? 'typescript'))
    },
  )

  server.registerTool(
    'explain_status',
    {
      title: 'Explain a Hedera status or error output',
      description: 'Explain a run output, SDK error message or status name (INVALID_SIGNATURE, Status.InvalidSignature): meaning, likely cause, remedy, whether it came at precheck (no fee) or in the receipt, and guides to read.',
      inputSchema: explainInput,
      outputSchema: outputExplanationSchema.shape,
      annotations: readOnly,
    },
    function explainStatus({ output }) {
      return reply(checks.explainOutput(output))
    },
  )
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text)
