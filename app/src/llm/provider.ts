/** The operator's LLM client for the configured provider: OpenAI (a key), Vertex AI (a service account token) or offline (the knowledge base). */
import type { Config } from '../config/config.js'
import type { KnowledgeBase } from '../knowledge/knowledge-base.js'
import { createAdcTokenSource, createMetadataTokenSource, type TokenSource } from './google-token.js'
import { createOfflineClient } from '../offline/offline-client.js'
import type { LlmClient } from './client.js'
import { createOpenAiClient, type OpenAiSettings } from './openai.js'
import { createVertexClient } from './vertex.js'

/** Sampling bounds, timeouts and retries: the same for every provider and for users' own keys. */
export function answerLimits(config: Config): Omit<OpenAiSettings, 'apiKey' | 'baseURL' | 'model' | 'credentialHint'> {
  const { maxTokens, temperature, firstTokenTimeoutMs, idleTimeoutMs, answerTimeoutMs, maxRetries, retryBaseMs } = config.openai
  return { maxTokens, temperature, firstTokenTimeoutMs, idleTimeoutMs, answerTimeoutMs, maxRetries, retryBaseMs }
}

export interface ProviderOptions {
  /** Where Vertex AI tokens come from; by default the metadata server when GCE_METADATA_HOST is set, else ADC. */
  tokens?: TokenSource
}

export function createProviderClient(config: Config, knowledge: KnowledgeBase, options: ProviderOptions = {}): LlmClient {
  const { openai, vertex } = config
  if (config.llm.provider === 'openai') return createOpenAiClient({ ...openai, apiKey: openai.apiKey! })
  if (config.llm.provider === 'vertex') {
    const tokens = options.tokens ?? (vertex.metadataHost ? createMetadataTokenSource({ host: vertex.metadataHost }) : createAdcTokenSource())
    // Limits, timeouts and retries are the OpenAI settings: one set of knobs whichever provider answers.
    return createVertexClient({ ...answerLimits(config), model: vertex.model, project: vertex.project!, location: vertex.location!, apiRoot: vertex.apiRoot }, tokens)
  }
  return createOfflineClient(knowledge)
}
