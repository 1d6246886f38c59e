// The UDP transport: one socket per link (ring), on dgram-as-promised.
// transport "udp": multicast to the group (TTL 1, loopback off), with the
// outgoing interface pinned to the link's local address and the group joined
// on that interface only. transport "udpu": unicast to every other node's
// address on that link. A datagram is sent on every link; the receiver's replay
// window keeps the first copy, so a node stays reachable while any link works.
import DgramAsPromised, {type SocketAsPromised} from 'dgram-as-promised'
import {lookup as dnsLookup, type LookupOneOptions} from 'node:dns'
import type {RemoteInfo} from 'node:dgram'
import {isIP, isIPv6} from 'node:net'

/**
 * dgram's address lookup for every send: an address literal (what cluster.json
 * holds) is answered at once. dns.lookup answers a literal too, but through
 * process.nextTick: one more tick per datagram, about 75 a second on an idle node.
 */
function literalLookup(address: string, options: LookupOneOptions, callback: (error: NodeJS.ErrnoException | null, address: string, family: number) => void): void {
  const version = isIP(address)
  if (version !== 0) return callback(null, address, version)
  // dgram passes the family as a number, which dns.lookup accepts too.
  dnsLookup(address, options, callback)
}

export interface LinkOptions {
  /** This node's address on the link. */
  localAddr: string
  /** Other nodes' addresses on the link (unicast targets for udpu). */
  peers: ReadonlyMap<number, string>
}

export interface TransportOptions {
  mode: 'udp' | 'udpu'
  mcastAddr: string
  port: number
  links: LinkOptions[]
  onPacket: (packet: Buffer, link: number, from: RemoteInfo) => void
}

export interface LinkCounters {
  link: number
  localAddr: string
  sentPackets: number
  sentBytes: number
  receivedPackets: number
  receivedBytes: number
  sendErrors: number
}

export class UdpTransport {
  private sockets: SocketAsPromised[] = []
  readonly counters: LinkCounters[]
  /** Per link, the completion callback of every send on it: counts failures, allocates nothing. */
  private readonly afterSend: Array<(error: Error | null) => void>

  private readonly linkOfSource = new Map<string, number>()

  constructor(private readonly options: TransportOptions) {
    options.links.forEach((l, link) => {
      for (const addr of l.peers.values()) this.linkOfSource.set(addr, link)
    })
    this.counters = options.links.map((l, link) => ({link, localAddr: l.localAddr, sentPackets: 0, sentBytes: 0, receivedPackets: 0, receivedBytes: 0, sendErrors: 0}))
    this.afterSend = this.counters.map((c) => (error) => {
      if (error) c.sendErrors++
    })
  }

  /** Live node add/remove: each link's peers (id -> address) from now on. */
  setPeers(perLink: ReadonlyArray<ReadonlyMap<number, string>>): void {
    const links = this.options.links as LinkOptions[]
    this.linkOfSource.clear()
    perLink.forEach((peers, link) => {
      if (links[link] === undefined) return
      links[link] = {...links[link]!, peers}
      for (const addr of peers.values()) this.linkOfSource.set(addr, link)
    })
  }

  async start(): Promise<void> {
    try {
      for (const [index, link] of this.options.links.entries()) this.sockets.push(await this.openLink(index, link))
    } catch (error) {
      await this.stop()
      throw error
    }
  }

  private async openLink(index: number, link: LinkOptions): Promise<SocketAsPromised> {
    const {mode, mcastAddr, port} = this.options
    const type = isIPv6(link.localAddr) ? 'udp6' : 'udp4'
    const socket = DgramAsPromised.createSocket({type, reuseAddr: mode === 'udp', lookup: literalLookup}, (msg, rinfo) => {
      // Multicast sockets bound to the same port all see the group's packets
      // (IP_MULTICAST_ALL), so the link is told by the sender's address.
      const link = this.linkOfSource.get(rinfo.address) ?? index
      const c = this.counters[link]
      c.receivedPackets++
      c.receivedBytes += msg.length
      this.options.onPacket(msg, link, rinfo)
    })
    // A send error (no route while a link is down) must not kill the daemon.
    socket.socket.on('error', () => {})
    if (mode === 'udp') {
      await socket.bind({port, address: isIPv6(link.localAddr) ? '::' : '0.0.0.0'})
      socket.addMembership(mcastAddr, link.localAddr)
      socket.setMulticastInterface(link.localAddr)
      socket.setMulticastTTL(1)
      socket.setMulticastLoopback(false)
    } else {
      await socket.bind({port, address: link.localAddr})
    }
    socket.setRecvBufferSize(1 << 20)
    return socket
  }

  /**
   * Sends one datagram on every link; to = a node id (udpu: only that node) or 'all'.
   * On dgram's socket itself, with a callback per link: the promise of
   * dgram-as-promised's send (and its rejection handler) cost a few microtasks
   * per datagram on the heartbeat path.
   */
  send(packet: Buffer, to: number | 'all'): void {
    for (let index = 0; index < this.sockets.length; index++) {
      if (this.options.mode === 'udp') {
        this.sendOne(index, packet, this.options.mcastAddr)
        continue
      }
      const peers = this.options.links[index].peers
      if (to === 'all') {
        for (const address of peers.values()) this.sendOne(index, packet, address)
      } else {
        const address = peers.get(to)
        if (address !== undefined) this.sendOne(index, packet, address)
      }
    }
  }

  private sendOne(index: number, packet: Buffer, address: string): void {
    const c = this.counters[index]
    c.sentPackets++
    c.sentBytes += packet.length
    try {
      this.sockets[index].socket.send(packet, this.options.port, address, this.afterSend[index])
    } catch {
      // The socket is closing (stop() under way).
      c.sendErrors++
    }
  }

  async stop(): Promise<void> {
    const sockets = this.sockets
    this.sockets = []
    await Promise.all(sockets.map((s) => s.close().catch(() => {})))
  }
}
