/** A test page: the Playground's way of talking to this server (`useChat` from @ai-sdk/react, AI SDK v5), bundled only for tests. */
import { useChat } from '@ai-sdk/react'
import { DefaultChatTransport, type UIMessage } from 'ai'
import { useState } from 'react'
import { createRoot } from 'react-dom/client'

/** Everything the test varies comes in the query: the chat id, the user the gateway vouches for, the editor state, resume. */
const params = new URLSearchParams(location.search)
const chatId = params.get('chat') ?? 'page-chat'
const user = params.get('user')
const editor: unknown = JSON.parse(params.get('editor') ?? '{"type":"general-assistant","language":"typescript","currentLine":1,"code":"","output":""}')

const transport = new DefaultChatTransport({
  api: '/api/playground/assistant/chat',
  headers: user ? { 'x-user-id': user } : undefined,
})

function Message({ message }: { message: UIMessage }) {
  const text = message.parts.map((part) => (part.type === 'text' ? part.text : '')).join('')
  const sources = message.parts.flatMap((part) => (part.type === 'source-document' || part.type === 'source-url' ? [part] : []))
  return (
    <article className={message.role} data-id={message.id}>
      <div className="text">{text}</div>
      <ul className="sources">
        {sources.map((source) => (
          <li key={source.sourceId} data-source-id={source.sourceId}>
            {source.title}
          </li>
        ))}
      </ul>
      <pre className="metadata">{message.metadata ? JSON.stringify(message.metadata) : ''}</pre>
    </article>
  )
}

function ChatPage() {
  const [question, setQuestion] = useState('')
  const { messages, sendMessage, status, stop, error } = useChat({ id: chatId, transport, resume: params.get('resume') === '1' })
  return (
    <main>
      <p id="status">{status}</p>
      {error ? <p id="error">{error.message}</p> : null}
      <section id="messages">
        {messages.map((message) => (
          <Message key={message.id} message={message} />
        ))}
      </section>
      <input id="question" value={question} onChange={(e) => setQuestion(e.target.value)} />
      <button id="send" onClick={() => void sendMessage({ text: question, metadata: editor })}>
        Send
      </button>
      {/* stop() aborts the fetch (which only detaches, so a reload can resume); the DELETE cancels the upstream. */}
      <button
        id="stop"
        onClick={() => {
          void stop()
          void fetch(`/api/playground/assistant/chat/${chatId}/stream`, { method: 'DELETE', headers: user ? { 'x-user-id': user } : {} })
        }}
      >
        Stop
      </button>
    </main>
  )
}

createRoot(document.getElementById('root')!).render(<ChatPage />)
