/**
 * The baseline the benchmark compares against: the smallest relay a team would write by hand
 * (ws + the openai SDK, one socket owns its answer, no validation, no log, no resume).
 * Plain JavaScript, so it runs as it is, like the compiled server it is compared with.
 */
import { createServer } from 'node:http'
import process from 'node:process'
import OpenAI from 'openai'
import { WebSocketServer } from 'ws'

const client = new OpenAI({ apiKey: 'sk-bench', baseURL: process.env.OPENAI_BASE_URL, maxRetries: 0 })
const server = createServer((_req, res) => res.end('ok'))
const wss = new WebSocketServer({ server, perMessageDeflate: false })

wss.on('connection', (ws) => {
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString('utf8'))
    void (async () => {
      const stream = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: message.content }], stream: true })
      let seq = 0
      ws.send(JSON.stringify({ type: 'chat_start', messageId: message.messageId }))
      for await (const chunk of stream) {
        const text = chunk.choices[0]?.delta?.content
        if (text) ws.send(JSON.stringify({ type: 'chat_delta', messageId: message.messageId, seq: seq++, content: text }))
      }
      ws.send(JSON.stringify({ type: 'chat_complete', messageId: message.messageId }))
    })()
  })
})

server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  process.stdout.write(`${JSON.stringify({ event: 'listening', port: typeof address === 'object' && address ? address.port : 0 })}\n`)
})
process.on('SIGTERM', () => process.exit(0))
