/** What the MCP server reads: built once per process (the per-request servers of the HTTP endpoint share it). */
import type { KnowledgeBase } from '../knowledge/knowledge-base.js'
import { createApiLookup, type ApiLookup, type LookupPage } from './api-lookup.js'
import { createApiNameCheck } from './api-name-check.js'
import type { CodeChecks } from './code-checks.js'
import { createStatusExplainer } from './status-explainer.js'

export interface McpServices {
  knowledge: Pick<KnowledgeBase, 'index' | 'guides' | 'search'>
  checks: CodeChecks
  lookup: (name: string, page?: LookupPage) => ApiLookup
}

/** The knowledge base alone: unknown SDK names (with fixes) and the Status list; the servers pass the code unit's checks instead. */
export function knowledgeCodeChecks(knowledge: KnowledgeBase): CodeChecks {
  return { check: createApiNameCheck(knowledge), explainOutput: createStatusExplainer(knowledge) }
}

export function createMcpServices(knowledge: KnowledgeBase, checks: CodeChecks = knowledgeCodeChecks(knowledge)): McpServices {
  return { knowledge, checks, lookup: createApiLookup(knowledge.index) }
}
