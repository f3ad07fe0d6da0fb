/** Gemini (and partner models) on Vertex AI through its OpenAI-compatible endpoint: the OpenAI client with a refreshed Google token as its key. */
import type { LlmClient } from './client.js'
import { createOpenAiClient, type OpenAiSettings } from './openai.js'
import type { TokenSource } from './google-token.js'

export interface VertexSettings extends Omit<OpenAiSettings, 'apiKey' | 'baseURL' | 'credentialHint'> {
  project: string
  location: string
  /** The API root, e.g. http://127.0.0.1:PORT for a local stand-in; default https://{location}-aiplatform.googleapis.com. */
  apiRoot?: string | undefined
}

/** The Chat Completions root of Vertex AI's OpenAI-compatible endpoint for one project and location. */
export function vertexBaseUrl(project: string, location: string, apiRoot?: string): string {
  const root = apiRoot ?? (location === 'global' ? 'https://aiplatform.googleapis.com' : `https://${location}-aiplatform.googleapis.com`)
  return `${root.replace(/\/$/, '')}/v1/projects/${encodeURIComponent(project)}/locations/${encodeURIComponent(location)}/endpoints/openapi`
}

export function createVertexClient(settings: VertexSettings, tokens: TokenSource): LlmClient {
  const { project, location, apiRoot, ...rest } = settings
  return createOpenAiClient({
    ...rest,
    baseURL: vertexBaseUrl(project, location, apiRoot),
    // The SDK calls this before every request, so each answer (and each retry) carries a token that is still valid.
    apiKey: () => tokens.token(),
    credentialHint: "grant roles/aiplatform.user to the runtime's service account and enable the Vertex AI API",
  })
}
