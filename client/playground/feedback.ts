/** Thumbs up/down under a finished answer: one rating, sent to the answer's feedback endpoint with the page's token. */

export interface FeedbackOptions {
  messageId: string
  /** The bearer token, when the server needs one. */
  token: () => string
  fetch?: typeof fetch
}

export function feedbackPath(messageId: string): string {
  return `/api/playground/assistant/answers/${encodeURIComponent(messageId)}/feedback`
}

/** The thumbs row; after a rating both buttons lock and a short note says it was received (or why not). */
export function feedbackButtons(options: FeedbackOptions): HTMLElement {
  const row = document.createElement('div')
  row.className = 'feedback'
  row.setAttribute('role', 'group')
  row.setAttribute('aria-label', 'Rate this answer')
  const status = document.createElement('span')
  status.className = 'feedback-status'
  status.setAttribute('aria-live', 'polite')
  const buttons = (['up', 'down'] as const).map((rating) => {
    const button = document.createElement('button')
    button.type = 'button'
    button.dataset.rating = rating
    button.textContent = rating === 'up' ? '👍' : '👎'
    button.setAttribute('aria-label', rating === 'up' ? 'Helpful' : 'Not helpful')
    button.setAttribute('aria-pressed', 'false')
    button.addEventListener('click', () => void send(rating, button))
    return button
  })
  row.append(...buttons, status)

  async function send(rating: 'up' | 'down', pressed: HTMLButtonElement) {
    for (const b of buttons) b.disabled = true
    const token = options.token()
    try {
      const res = await (options.fetch ?? fetch)(feedbackPath(options.messageId), {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ rating }),
      })
      if (res.ok || res.status === 409) {
        pressed.setAttribute('aria-pressed', 'true')
        status.textContent = 'Thanks for the feedback.'
        return
      }
      const body = (await res.json().catch(() => ({}))) as { error?: string }
      status.textContent = body.error ?? `Could not send the rating (${res.status}).`
    } catch {
      status.textContent = 'Could not send the rating; check the connection.'
    }
    // Not recorded: the user may try again.
    for (const b of buttons) b.disabled = false
  }
  return row
}
