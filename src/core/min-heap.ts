/**
 * A binary min-heap under `less`: the policy engine's ready set (ranks), and the
 * simulators' and benchmarks' timed agendas (time, then insertion order). Ties are
 * left to `less`, so an order that must be deterministic says so in it.
 */
export class MinHeap<T> {
  private readonly items: T[] = []
  constructor(private readonly less: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length
  }

  peek(): T | undefined {
    return this.items[0]
  }

  push(value: T): void {
    const a = this.items
    a.push(value)
    let i = a.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.less(a[i], a[parent])) break
      const t = a[parent]
      a[parent] = a[i]
      a[i] = t
      i = parent
    }
  }

  pop(): T | undefined {
    const a = this.items
    const top = a[0]
    const last = a.pop()
    if (a.length > 0 && last !== undefined) {
      a[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < a.length && this.less(a[l], a[m])) m = l
        if (r < a.length && this.less(a[r], a[m])) m = r
        if (m === i) break
        const t = a[m]
        a[m] = a[i]
        a[i] = t
        i = m
      }
    }
    return top
  }
}
