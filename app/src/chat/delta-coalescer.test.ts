import { describe, expect, it } from 'vitest'
import { DeltaCoalescer, MAX_DELTA_CHARS, type CoalescerClock } from './delta-coalescer.js'

/** A clock that only moves when the test says so; `tick()` runs what setImmediate would. */
function manualClock() {
  let now = 0
  let timers: { at: number; fn: () => void }[] = []
  let immediates: (() => void)[] = []
  const clock: CoalescerClock = {
    now: () => now,
    after(ms, fn) {
      const timer = { at: now + ms, fn }
      timers.push(timer)
      return () => (timers = timers.filter((t) => t !== timer))
    },
    soon(fn) {
      immediates.push(fn)
    },
  }
  return {
    clock,
    tick() {
      const run = immediates
      immediates = []
      for (const fn of run) fn()
    },
    advance(ms: number) {
      now += ms
      const due = timers.filter((t) => t.at <= now)
      timers = timers.filter((t) => t.at > now)
      for (const t of due) t.fn()
    },
    get scheduled() {
      return timers.length + immediates.length
    },
  }
}

describe('DeltaCoalescer', () => {
  it('sends the first token at once, then a tick of tokens as one delta', () => {
    const time = manualClock()
    const sent: string[] = []
    const c = new DeltaCoalescer(5, (t) => sent.push(t), time.clock)
    c.push('Hello')
    expect(sent).toEqual(['Hello'])
    time.advance(10)
    c.push(' wor')
    c.push('ld')
    expect(sent).toEqual(['Hello'])
    time.tick()
    expect(sent).toEqual(['Hello', ' world'])
  })

  it('holds text at most windowMs after the last delta, whatever keeps arriving', () => {
    const time = manualClock()
    const sent: string[] = []
    const c = new DeltaCoalescer(5, (t) => sent.push(t), time.clock)
    c.push('a')
    time.advance(1)
    c.push('b')
    time.tick() // the window is still open: nothing leaves before it closes
    expect(sent).toEqual(['a'])
    time.advance(2)
    c.push('c')
    time.advance(2) // 5 ms after 'a'
    expect(sent).toEqual(['a', 'bc'])
    c.push('d')
    time.advance(4.9)
    expect(sent).toEqual(['a', 'bc'])
    time.advance(0.1)
    expect(sent).toEqual(['a', 'bc', 'd'])
  })

  it('flush() sends what is pending at once and cancels the scheduled send', () => {
    const time = manualClock()
    const sent: string[] = []
    const c = new DeltaCoalescer(5, (t) => sent.push(t), time.clock)
    c.push('x')
    c.push('y')
    c.push('z')
    c.flush()
    expect(sent).toEqual(['x', 'yz'])
    expect(time.scheduled).toBe(0)
    c.flush()
    expect(sent).toEqual(['x', 'yz'])
  })

  it('a microtask made moot by a flush sends nothing: tokens after the flush wait for their window', () => {
    const time = manualClock()
    const sent: string[] = []
    const c = new DeltaCoalescer(5, (t) => sent.push(t), time.clock)
    c.push('x')
    time.advance(10)
    c.push('y')
    c.flush()
    c.push('z')
    c.push('w')
    time.tick()
    // The moot microtask ran: z and w wait for the window the flush opened.
    expect(sent).toEqual(['x', 'y'])
    time.advance(5)
    expect(sent).toEqual(['x', 'y', 'zw'])
    expect(time.scheduled).toBe(0)
  })

  it('a delta never grows past MAX_DELTA_CHARS, so one frame cannot blow through a socket\'s buffer bound', () => {
    const m = manualClock()
    const sent: string[] = []
    const c = new DeltaCoalescer(3, (t) => sent.push(t), m.clock)
    c.push('first')
    const chunk = 'x'.repeat(4096)
    for (let i = 0; i < 20; i++) c.push(chunk)
    m.tick()
    expect(sent.slice(1).every((t) => t.length <= MAX_DELTA_CHARS)).toBe(true)
    expect(sent.length).toBeGreaterThan(2)
    expect(sent.join('')).toBe('first' + chunk.repeat(20))
  })

  it('windowMs 0 is off: one delta per token, nothing scheduled', () => {
    const time = manualClock()
    const sent: string[] = []
    const c = new DeltaCoalescer(0, (t) => sent.push(t), time.clock)
    for (const t of ['a', 'b', 'c']) c.push(t)
    expect(sent).toEqual(['a', 'b', 'c'])
    expect(time.scheduled).toBe(0)
  })

  it('keeps the text exact over a long random stream', () => {
    const time = manualClock()
    const sent: string[] = []
    const c = new DeltaCoalescer(3, (t) => sent.push(t), time.clock)
    let expected = ''
    for (let i = 0; i < 2000; i++) {
      const token = `t${i} `
      expected += token
      c.push(token)
      if (i % 7 === 0) time.tick()
      if (i % 3 === 0) time.advance(i % 5)
    }
    c.flush()
    expect(sent.join('')).toBe(expected)
    expect(sent.length).toBeLessThan(2000)
    expect(sent.every((t) => t.length > 0)).toBe(true)
  })
})
