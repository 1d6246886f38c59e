// IP address syntax, as node:net's isIP answers it, without importing node:net
// into the pure core: 4 for dotted-quad IPv4 (no leading zeros), 6 for IPv6
// (with "::", an embedded IPv4 tail and a "%zone"), 0 otherwise.

const OCTET = /^(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])$/
const HEXTET = /^[0-9a-fA-F]{1,4}$/
const ZONE = /^[0-9a-zA-Z\-.:]+$/

function isIPv4(text: string): boolean {
  const parts = text.split('.')
  return parts.length === 4 && parts.every((p) => OCTET.test(p))
}

function isIPv6(text: string): boolean {
  const percent = text.indexOf('%')
  const address = percent < 0 ? text : text.slice(0, percent)
  if (percent >= 0 && !ZONE.test(text.slice(percent + 1))) return false
  const halves = address.split('::')
  if (halves.length > 2) return false
  const groups = (half: string) => (half === '' ? [] : half.split(':'))
  const head = groups(halves[0])
  const tail = halves.length === 2 ? groups(halves[1]) : []
  const all = [...head, ...tail]
  let count = all.length
  // An IPv4 tail counts as two groups.
  const last = all.at(-1)
  if (last !== undefined && last.includes('.')) {
    if (!isIPv4(last)) return false
    all.pop()
    count++
  }
  if (!all.every((g) => HEXTET.test(g))) return false
  return halves.length === 2 ? count <= 7 : count === 8
}

export function ipVersion(text: string): 0 | 4 | 6 {
  if (isIPv4(text)) return 4
  if (text.includes(':') && isIPv6(text)) return 6
  return 0
}
