/** A push queue read as an async iterable: events arrive from the socket, the caller reads them at its pace. */

export interface EventQueue<T> extends AsyncIterable<T> {
  push(item: T): void
  /** No more items: a reader gets the buffered ones, then the end. */
  end(): void
  readonly ended: boolean
}

export function createEventQueue<T>(): EventQueue<T> {
  const items: T[] = []
  const readers: ((result: IteratorResult<T>) => void)[] = []
  let ended = false

  function next(): Promise<IteratorResult<T>> {
    if (items.length > 0) return Promise.resolve({ value: items.shift() as T, done: false })
    if (ended) return Promise.resolve({ value: undefined, done: true })
    return new Promise((resolve) => readers.push(resolve))
  }

  return {
    push(item) {
      if (ended) return
      const reader = readers.shift()
      if (reader) reader({ value: item, done: false })
      else items.push(item)
    },
    end() {
      ended = true
      for (const reader of readers.splice(0)) reader({ value: undefined, done: true })
    },
    get ended() {
      return ended
    },
    [Symbol.asyncIterator]() {
      return {
        next,
        // A reader that stops early (break) does not end the queue for others: the events stay readable.
        return: () => Promise.resolve({ value: undefined, done: true }),
      }
    },
  }
}
