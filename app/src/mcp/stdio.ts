#!/usr/bin/env node
/** Process entry of the stdio MCP server (`npm run mcp`, bin hedera-assistant-mcp): the knowledge base, no HTTP server, no settings. */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js'
import { createCodeIntelligence } from '../code/index.js'
import { loadKnowledge } from '../knowledge/knowledge-base.js'
import { codeIntelligenceChecks } from './code-intelligence-checks.js'
import { createMcpServer } from './mcp-server.js'
import { createMcpServices } from './services.js'

/** The package folder (it holds knowledge/) and its version, from app/src/mcp or dist/mcp. */
function packageRoot(): { root: string; version: string } {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 5; i++) {
    try {
      return { root: dir, version: (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version }
    } catch {
      dir = dirname(dir)
    }
  }
  throw new Error('package.json not found above the MCP entry; run it from the installed package')
}

async function main(): Promise<void> {
  const { root, version } = packageRoot()
  const knowledge = loadKnowledge(join(root, 'knowledge'))
  // One code unit per process: its type checker's worker starts on the first check_code.
  const code = createCodeIntelligence({ knowledge })
  const server = createMcpServer(createMcpServices(knowledge, codeIntelligenceChecks(code, knowledge)), version)
  // stdout carries the protocol: nothing else may be written there.
  const transport = new StdioServerTransport()
  // The worker would keep the process alive after the client closes stdin: stop it when the input ends.
  process.stdin.once('end', function stdinEnded() {
    void server.close().finally(() => code.close())
  })
  await server.connect(transport)
  process.stderr.write(`hedera-assistant MCP server on stdio: ${knowledge.stats.guides} guides, ${knowledge.stats.classes} classes of ${knowledge.index.sdk} ${knowledge.index.version}\n`)
}

main().catch((error: unknown) => {
  process.stderr.write(`hedera-assistant MCP server cannot start: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
