/** Process entry: config, secrets, build, serve, signals. The only module that touches `process`. */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DEFAULT_SYSTEM_PROMPT } from './chat/prompt.js'
import { buildConfig, parseEnv, secretVersionsToRead, type Config } from './config/config.js'
import { readSecretVersions, type SecretReaderOptions } from './config/secret-manager.js'
import { KnowledgeLoadError, loadKnowledge, type KnowledgeBase } from './knowledge/knowledge-base.js'
import { createByok, type Byok } from './keys/byok.js'
import { createProviderClient } from './llm/provider.js'
import { createLogger } from './ops/logger.js'
import { connectSharedState, type SharedState } from './shared-state.js'
import { startServer } from './server.js'

/** One JSON line Cloud Logging understands, then exit: used before the logger exists. */
function die(message: string): never {
  process.stderr.write(`${JSON.stringify({ severity: 'CRITICAL', message })}\n`)
  process.exit(1)
}

/** The folder and version of the package this file ships in (works from app/src and from dist/). */
function packageInfo(): { root: string; version: string } {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 4; i++) {
    try {
      return { root: dir, version: (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version }
    } catch {
      dir = dirname(dir)
    }
  }
  return { root: process.cwd(), version: '0.0.0' }
}

function secretReaderOptions(endpoint: string | undefined): SecretReaderOptions | undefined {
  if (!endpoint) return undefined
  // An emulator or test server, spoken to without TLS: "host:port".
  const [host, port] = endpoint.split(':')
  return { apiEndpoint: host!, port: Number(port), insecure: true }
}

function systemPromptOf(config: Config): string {
  if (config.systemPrompt) return config.systemPrompt
  if (!config.systemPromptFile) return DEFAULT_SYSTEM_PROMPT
  try {
    const text = readFileSync(config.systemPromptFile, 'utf8').trim()
    if (!text) die(`SYSTEM_PROMPT_FILE ${config.systemPromptFile} is empty; put the system prompt in it or unset the variable`)
    return text
  } catch (error) {
    die(`SYSTEM_PROMPT_FILE ${config.systemPromptFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}); check the path`)
  }
}

async function main(): Promise<void> {
  let config: Config
  try {
    const env = parseEnv(process.env)
    const secrets = await readSecretVersions(secretVersionsToRead(env), secretReaderOptions(env.SECRET_MANAGER_ENDPOINT))
    config = buildConfig(env, secrets, packageInfo().version)
  } catch (error) {
    die(error instanceof Error ? error.message : String(error))
  }
  const logger = createLogger(config.log.level)
  // The knowledge base ships beside dist/ (knowledge/api-index.json, knowledge/guides/): without it nothing can answer offline.
  let knowledge: KnowledgeBase
  try {
    knowledge = loadKnowledge(config.knowledge.dir ?? join(packageInfo().root, 'knowledge'))
  } catch (error) {
    die(error instanceof KnowledgeLoadError ? error.message : `The knowledge base cannot be loaded: ${(error as Error).message}`)
  }
  logger.info({ event: 'knowledge', ...knowledge.stats }, `knowledge base: ${knowledge.stats.guides} guides and ${knowledge.stats.classes} SDK classes indexed in ${knowledge.stats.buildMs} ms`)
  const llm = createProviderClient(config, knowledge)
  if (config.llm.provider === 'offline') {
    logger.warn(
      { event: 'offline_mode' },
      config.openai.apiKey
        ? 'LLM_PROVIDER=offline: chats are answered from the built-in knowledge base; the OpenAI key is not used.'
        : 'No model configured: chats are answered from the built-in knowledge base. Set OPENAI_API_KEY or OPENAI_API_KEY_SECRET for model answers.',
    )
  }
  let shared: SharedState | undefined
  if (config.redis.url) {
    try {
      shared = await connectSharedState(config, logger, config.redis.url)
    } catch (error) {
      die((error as Error).message)
    }
  }
  let byok: Byok | undefined
  try {
    byok = await createByok(config, { redis: shared?.redis })
  } catch (error) {
    die(`Users' own keys cannot be set up: ${(error as Error).message}`)
  }
  if (byok) logger.info({ event: 'byok', kek: config.byok.kmsKeyName ? 'kms' : 'local', models: config.byok.models }, "users' own keys are on")
  // Handlers first: a signal that arrives while the server is still starting must not kill it mid-way.
  const starting = startServer({ config, logger, llm, knowledge, systemPrompt: systemPromptOf(config), warmCodeCheck: true, ...shared?.stores, ...(byok ? { byok } : {}) })
  const stop = (signal: string) => {
    logger.info({ event: 'signal', signal }, `received ${signal}`)
    starting
      .then((server) => server.shutdown())
      .then(() => byok?.close())
      .then(() => shared?.close())
      .then(() => {
        logger.info({ event: 'exit' }, 'shutdown complete')
        logger.flush(() => process.exit(0))
      })
      .catch((err: unknown) => {
        logger.error({ err }, 'shutdown failed')
        logger.flush(() => process.exit(1))
      })
  }
  // A promise nobody awaited failed: log it and keep serving the other sockets instead of dying with them.
  process.on('unhandledRejection', (err) => logger.error({ err, event: 'unhandled_rejection' }, 'unhandled promise rejection'))
  process.once('SIGTERM', () => stop('SIGTERM'))
  process.once('SIGINT', () => stop('SIGINT'))
  try {
    await starting
  } catch (error) {
    logger.fatal({ err: error }, `cannot start: ${(error as Error).message}`)
    logger.flush(() => process.exit(1))
  }
}

void main()
