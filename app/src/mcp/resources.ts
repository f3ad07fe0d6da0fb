/** Every guide and API-index entry as an MCP resource (hedera-guide://<id>, hedera-api://<Class>), listed in pages. */
import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { ErrorCode, ListResourcesRequestSchema, McpError, type Resource } from '@modelcontextprotocol/sdk/types.js'
import type { ApiClass, ApiIndex } from '../knowledge/api-index.js'
import type { Guide } from '../knowledge/guide-file.js'
import type { McpServices } from './services.js'
import { API_SCHEME, apiUri, GUIDE_SCHEME, guideUri } from './uris.js'

/** Resources per resources/list page: the whole list (about 260) would take a large bite of an agent's context. */
export const RESOURCES_PAGE = 50
const COMPLETIONS = 20

interface Catalog {
  guideById: Map<string, Guide>
  classByName: Map<string, ApiClass>
  all: Resource[]
}

/** Built once per services object: the HTTP endpoint registers resources on a new server for every request. */
const catalogs = new WeakMap<McpServices, Catalog>()

function catalogOf(services: McpServices): Catalog {
  const cached = catalogs.get(services)
  if (cached) return cached
  const { index, guides } = services.knowledge
  const catalog: Catalog = {
    guideById: new Map(guides.map((g) => [g.id, g])),
    classByName: new Map(index.classes.map((c) => [c.name, c])),
    all: [
      ...guides.map((g) => ({ uri: guideUri(g.id), name: g.id, title: g.title, mimeType: 'text/markdown' })),
      ...index.classes.map((c) => ({ uri: apiUri(c.name), name: c.name, ...(c.summary ? { description: clip(c.summary, 120) } : {}), mimeType: 'text/markdown' })),
    ],
  }
  catalogs.set(services, catalog)
  return catalog
}

export function registerResources(server: McpServer, services: McpServices): void {
  const { index } = services.knowledge
  const { guideById, classByName, all } = catalogOf(services)

  server.registerResource(
    'guide',
    new ResourceTemplate(`${GUIDE_SCHEME}://{id}`, { list: undefined, complete: { id: (value) => startingWith([...guideById.keys()], value) } }),
    { title: 'Hedera guide', description: 'A checked task guide (markdown) with a complete TypeScript example', mimeType: 'text/markdown' },
    function readGuide(uri, { id }) {
      const guide = guideById.get(String(id))
      if (!guide) throw new McpError(ErrorCode.InvalidParams, `No guide "${String(id)}"; list the resources or use search_knowledge to find one`)
      return { contents: [{ uri: uri.href, mimeType: 'text/markdown', text: renderGuide(guide) }] }
    },
  )
  server.registerResource(
    'sdk-api',
    new ResourceTemplate(`${API_SCHEME}://{name}`, { list: undefined, complete: { name: (value) => startingWith([...classByName.keys()], value) } }),
    { title: 'SDK API entry', description: `A class of ${index.sdk} ${index.version}: members with signatures, summaries and deprecations`, mimeType: 'text/markdown' },
    function readApiEntry(uri, { name }) {
      if (!classByName.has(String(name))) throw new McpError(ErrorCode.InvalidParams, `No class "${String(name)}" in ${index.sdk} ${index.version}; use lookup_sdk_api for near names`)
      return { contents: [{ uri: uri.href, mimeType: 'text/markdown', text: renderApiEntry(index, String(name)) }] }
    },
  )

  // The SDK's list handler has no paging; this one replaces it (registering the templates above installed it).
  server.server.setRequestHandler(ListResourcesRequestSchema, function listResources(request) {
    const cursor = request.params?.cursor
    const offset = cursor === undefined ? 0 : Number(cursor)
    if (!Number.isInteger(offset) || offset < 0 || offset >= all.length) {
      throw new McpError(ErrorCode.InvalidParams, `cursor ${JSON.stringify(cursor)} is not one this server gave; list again without a cursor`)
    }
    const end = offset + RESOURCES_PAGE
    return { resources: all.slice(offset, end), ...(end < all.length ? { nextCursor: String(end) } : {}) }
  })
}

function renderGuide(guide: Guide): string {
  const sections = guide.sections.map((s) => `## ${s.heading}\n${s.text}`)
  const examples = guide.examples.map((code) => `\`\`\`ts\n${code.trimEnd()}\n\`\`\``)
  return [`# ${guide.title}`, guide.intro, ...sections, ...examples].join('\n\n') + '\n'
}

function renderApiEntry(index: ApiIndex, name: string): string {
  const entry = index.classes.find((c) => c.name === name)!
  const values = index.enums.find((e) => e.name === name)?.members
  const lines = [`# ${entry.name}`, '', `${index.sdk} ${index.version}${entry.extends ? `, extends ${entry.extends}` : ''}.`]
  if (entry.summary) lines.push('', entry.summary)
  if (entry.deprecated) lines.push('', `Deprecated: ${entry.deprecated}`)
  if (entry.methods.length) {
    lines.push('', '## Members (inherited ones are on the parent class)')
    for (const m of entry.methods) {
      const summary = m.summary ? ` ${clip(m.summary, 200)}` : ''
      lines.push(`- \`${m.static ? `${entry.name}.` : '.'}${m.name}${m.signature}\`${m.deprecated ? ` **Deprecated:** ${m.deprecated}.` : ''}${summary}`)
    }
  }
  if (entry.constants?.length) lines.push('', '## Constants', entry.constants.join(', '))
  if (values) lines.push('', '## Values', values.map((v) => `${v.name} (${v.value})`).join(', '))
  return lines.join('\n') + '\n'
}

const startingWith = (names: string[], value: string) => names.filter((n) => n.toLowerCase().startsWith(value.toLowerCase())).slice(0, COMPLETIONS)
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text)
