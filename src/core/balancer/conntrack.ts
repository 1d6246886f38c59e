/**
 * Connections per backend from the kernel's conntrack table (/proc/net/nf_conntrack
 * text, one entry a line): entries whose original direction goes to VIP:PORT,
 * grouped by the reply's source address (the backend chosen by DNAT). Pure.
 *
 *   ipv4 2 tcp 6 431999 ESTABLISHED src=C dst=VIP sport=51000 dport=80 src=B dst=N sport=8080 dport=51000 [ASSURED] ...
 */
export interface BackendConnections {
  /** TCP entries in ESTABLISHED (for UDP: every entry). */
  established: number
  /** Every entry, TIME_WAIT and the like included. */
  total: number
}

export function connectionsByBackend(text: string, vip: string, port: string, protocol = 'tcp'): Record<string, BackendConnections> {
  const out: Record<string, BackendConnections> = {}
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/)
    if (fields[2] !== protocol) continue
    const src: string[] = []
    const dst: string[] = []
    const dport: string[] = []
    for (const f of fields) {
      if (f.startsWith('src=')) src.push(f.slice(4))
      else if (f.startsWith('dst=')) dst.push(f.slice(4))
      else if (f.startsWith('dport=')) dport.push(f.slice(6))
    }
    if (dst[0] !== vip || dport[0] !== port || src[1] === undefined) continue
    const backend = src[1]
    const entry = out[backend] ?? (out[backend] = {established: 0, total: 0})
    entry.total++
    if (protocol !== 'tcp' || fields[5] === 'ESTABLISHED') entry.established++
  }
  return out
}
