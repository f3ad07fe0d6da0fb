/** Starts the real server in-process on an ephemeral port, with a real config parsed from an env map. */
import { Writable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { DEFAULT_SYSTEM_PROMPT } from '../../src/chat/prompt.js'
import { buildConfig, parseEnv, type Config } from '../../src/config/config.js'
import { loadKnowledge, type KnowledgeBase } from '../../src/knowledge/knowledge-base.js'
import { createByok } from '../../src/keys/byok.js'
import type { TokenSource } from '../../src/llm/google-token.js'
import { createProviderClient } from '../../src/llm/provider.js'
import { createLogger } from '../../src/ops/logger.js'
import { connectSharedState } from '../../src/shared-state.js'
import { startServer, type RunningServer } from '../../src/server.js'

export interface TestServer {
  server: RunningServer
  config: Config
  http: string
  ws: string
  /** Every log line the server wrote, parsed. */
  logs: Record<string, unknown>[]
  rawLogs: string[]
  close(): Promise<void>
}

/** A clock a test moves by hand, for the in-memory limits and the message budget. */
export interface ManualClock {
  now: () => number
  advance(ms: number): void
}

export function manualClock(start = Date.now()): ManualClock {
  let at = start
  return { now: () => at, advance: (ms) => void (at += ms) }
}

let defaultKnowledge: KnowledgeBase | undefined
/** The committed knowledge base, loaded once per test file (as the process loads it once at start). */
export function testKnowledge(dir?: string): KnowledgeBase {
  if (dir) return loadKnowledge(dir)
  return (defaultKnowledge ??= loadKnowledge(fileURLToPath(new URL('../../../knowledge', import.meta.url))))
}

export interface TestServerOptions {
  clock?: ManualClock
  /** Vertex AI tokens from here instead of the metadata server or ADC. */
  tokens?: TokenSource
}

export async function startTestServer(env: Record<string, string>, options: TestServerOptions = {}): Promise<TestServer> {
  const config = buildConfig(parseEnv({ PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'test', LOG_LEVEL: 'debug', ...env }), {}, '1.0.0-test')
  const rawLogs: string[] = []
  const logs: Record<string, unknown>[] = []
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        rawLogs.push(line)
        logs.push(JSON.parse(line) as Record<string, unknown>)
      }
      done()
    },
  })
  const logger = createLogger(config.log.level, sink)
  const knowledge = testKnowledge(config.knowledge.dir)
  // As main.ts chooses: the configured provider (buildConfig refuses one that lacks its settings), else offline.
  const llm = createProviderClient(config, knowledge, options.tokens ? { tokens: options.tokens } : {})
  const shared = config.redis.url ? await connectSharedState(config, logger, config.redis.url) : undefined
  const byok = await createByok(config, { redis: shared?.redis })
  const server = await startServer({
    config,
    logger,
    llm,
    knowledge,
    systemPrompt: config.systemPrompt ?? DEFAULT_SYSTEM_PROMPT,
    ...shared?.stores,
    ...(options.clock ? { clock: options.clock.now } : {}),
    ...(byok ? { byok } : {}),
  })
  return {
    server,
    config,
    http: `http://127.0.0.1:${server.port}`,
    ws: `ws://127.0.0.1:${server.port}/ws/chat`,
    logs,
    rawLogs,
    close: async () => {
      await server.shutdown()
      await byok?.close()
      await shared?.close()
    },
  }
}

/** The env that points the server at a fake upstream with short timeouts fit for tests. */
export function upstreamEnv(url: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    OPENAI_API_KEY: 'sk-test-key-that-must-never-be-logged',
    OPENAI_BASE_URL: url,
    OPENAI_MODEL: 'gpt-4o',
    OPENAI_RETRY_BASE_MS: '10',
    OPENAI_FIRST_TOKEN_TIMEOUT_MS: '2000',
    OPENAI_IDLE_TIMEOUT_MS: '2000',
    RESUME_GRACE_MS: '0',
    SHUTDOWN_GRACE_MS: '2000',
    ...extra,
  }
}
