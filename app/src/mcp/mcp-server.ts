/** One MCP server over the services: the tools and the resources, for any transport (HTTP per request, stdio per process). */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { registerResources } from './resources.js'
import type { McpServices } from './services.js'
import { registerTools } from './tools.js'

export const MCP_SERVER_NAME = 'hedera-assistant'

export function createMcpServer(services: McpServices, version: string): McpServer {
  const server = new McpServer(
    { name: MCP_SERVER_NAME, version },
    {
      instructions: `Hedera knowledge pinned to ${services.knowledge.index.sdk} ${services.knowledge.index.version}: search_knowledge for how-to, lookup_sdk_api for exact signatures, check_code before running SDK code, explain_status for a failed run.`,
    },
  )
  registerTools(server, services)
  registerResources(server, services)
  return server
}
