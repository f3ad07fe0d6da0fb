/** Limits high enough never to refuse a benchmark's load, but still counted on every chat (every feature stays on). */
export const LIMITS_NEVER_REFUSING: Readonly<Record<string, string>> = {
  RATE_LIMIT_CONNECTIONS_PER_MINUTE: '1000000',
  RATE_LIMIT_CHATS_PER_MINUTE: '1000000',
  RATE_LIMIT_CONCURRENT_ANSWERS: '10000',
  RATE_LIMIT_SOCKETS_PER_USER: '10000',
  DAILY_TOKEN_LIMIT: '1000000000',
}
