// A small XML reader for OCF meta-data and Pacemaker CIBs: elements, attributes, text, CDATA,
// comments, processing instructions, a DOCTYPE without an internal subset with
// entities, and the five predefined entities plus numeric references. No
// namespaces, no DTD processing: enough for resource-agent meta-data, and bounded.

export interface XmlElement {
  name: string
  attributes: Record<string, string>
  children: XmlElement[]
  /** Concatenated text directly inside this element (not of its children). */
  text: string
}

export class XmlError extends Error {
  constructor(message: string, offset: number) {
    super(`${message} at offset ${offset}`)
    this.name = 'XmlError'
  }
}

const MAX_DEPTH = 64
const ENTITIES: Record<string, string> = {lt: '<', gt: '>', amp: '&', quot: '"', apos: "'"}

export function decodeEntities(text: string, offset = 0): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);|&/g, (whole, ref: string | undefined) => {
    if (ref === undefined) throw new XmlError('bare & in text', offset)
    if (ref.startsWith('#x')) return String.fromCodePoint(Number.parseInt(ref.slice(2), 16))
    if (ref.startsWith('#')) return String.fromCodePoint(Number.parseInt(ref.slice(1), 10))
    const value = ENTITIES[ref]
    if (value === undefined) throw new XmlError(`unknown entity ${whole}`, offset)
    return value
  })
}

/** Parses a document and returns its root element; throws XmlError on malformed input. */
export function parseXml(source: string): XmlElement {
  const reader = new Reader(source)
  reader.skipProlog()
  const root = reader.element(0)
  reader.skipMisc()
  if (!reader.atEnd()) throw new XmlError('content after the root element', reader.pos)
  return root
}

class Reader {
  pos = 0
  constructor(private readonly src: string) {}

  atEnd(): boolean {
    return this.pos >= this.src.length
  }

  skipProlog(): void {
    if (this.src.charCodeAt(0) === 0xfeff) this.pos = 1
    this.skipMisc()
    if (this.src.startsWith('<!DOCTYPE', this.pos)) {
      const end = this.src.indexOf('>', this.pos)
      if (end < 0 || this.src.slice(this.pos, end).includes('[')) throw new XmlError('unsupported DOCTYPE', this.pos)
      this.pos = end + 1
      this.skipMisc()
    }
  }

  /** Whitespace, comments and processing instructions. */
  skipMisc(): void {
    for (;;) {
      this.skipSpace()
      if (this.src.startsWith('<?', this.pos)) this.skipPast('?>')
      else if (this.src.startsWith('<!--', this.pos)) this.skipPast('-->')
      else return
    }
  }

  element(depth: number): XmlElement {
    if (depth > MAX_DEPTH) throw new XmlError('elements nested too deep', this.pos)
    this.expect('<')
    const name = this.name()
    const attributes = this.attributes()
    const node: XmlElement = {name, attributes, children: [], text: ''}
    if (this.src.startsWith('/>', this.pos)) {
      this.pos += 2
      return node
    }
    this.expect('>')
    this.content(node, depth)
    this.expect('</')
    if (this.name() !== name) throw new XmlError(`mismatched end tag of <${name}>`, this.pos)
    this.skipSpace()
    this.expect('>')
    return node
  }

  private content(node: XmlElement, depth: number): void {
    while (!this.atEnd() && !this.src.startsWith('</', this.pos)) {
      if (this.src.startsWith('<!--', this.pos)) this.skipPast('-->')
      else if (this.src.startsWith('<![CDATA[', this.pos)) {
        const end = this.skipPast(']]>')
        node.text += this.src.slice(end.start + 9, end.end - 3)
      } else if (this.src.startsWith('<?', this.pos)) this.skipPast('?>')
      else if (this.src[this.pos] === '<') node.children.push(this.element(depth + 1))
      else {
        const next = this.src.indexOf('<', this.pos)
        const stop = next < 0 ? this.src.length : next
        node.text += decodeEntities(this.src.slice(this.pos, stop), this.pos)
        this.pos = stop
      }
    }
  }

  private attributes(): Record<string, string> {
    const attributes: Record<string, string> = {}
    for (;;) {
      this.skipSpace()
      const c = this.src[this.pos]
      if (c === '>' || c === '/' || c === undefined) return attributes
      const name = this.name()
      this.skipSpace()
      this.expect('=')
      this.skipSpace()
      const quote = this.src[this.pos]
      if (quote !== '"' && quote !== "'") throw new XmlError(`attribute ${name} without quotes`, this.pos)
      const end = this.src.indexOf(quote, this.pos + 1)
      if (end < 0) throw new XmlError(`unterminated attribute ${name}`, this.pos)
      attributes[name] = decodeEntities(this.src.slice(this.pos + 1, end), this.pos)
      this.pos = end + 1
    }
  }

  private name(): string {
    const match = /^[A-Za-z_:][-A-Za-z0-9_:.]*/.exec(this.src.slice(this.pos, this.pos + 256))
    if (!match) throw new XmlError('expected a name', this.pos)
    this.pos += match[0].length
    return match[0]
  }

  private skipSpace(): void {
    while (this.pos < this.src.length && ' \t\r\n'.includes(this.src[this.pos]!)) this.pos++
  }

  private skipPast(terminator: string): {start: number, end: number} {
    const start = this.pos
    const end = this.src.indexOf(terminator, this.pos)
    if (end < 0) throw new XmlError(`unterminated construct, expected ${terminator}`, this.pos)
    this.pos = end + terminator.length
    return {start, end: this.pos}
  }

  private expect(token: string): void {
    if (!this.src.startsWith(token, this.pos)) throw new XmlError(`expected ${token}`, this.pos)
    this.pos += token.length
  }
}

export function childElements(node: XmlElement, name: string): XmlElement[] {
  return node.children.filter((c) => c.name === name)
}

export function firstChild(node: XmlElement, name: string): XmlElement | undefined {
  return node.children.find((c) => c.name === name)
}

/** Text of an element and all its descendants (longdesc may hold markup). */
export function allText(node: XmlElement): string {
  return node.text + node.children.map(allText).join('')
}
