import net from 'node:net';
import { FaultPump, type Faults } from './fault-pump.js';

export type { Faults } from './fault-pump.js';

/** `up`: client → server (requests); `down`: server → client (answers). */
export type Direction = 'up' | 'down';

/** Where the proxy forwards: an address, or a function read at each connection (known only later). */
export type Target = { host: string; port: number } | (() => { host: string; port: number });

/**
 * A TCP proxy in front of a real server, Toxiproxy's model without a server to install: cut() drops
 * every open connection and refuses new ones until restore(); inject() sets faults per direction
 * (latency with jitter, blackhole, reset after N bytes, bandwidth) on open and new connections alike,
 * heal() clears them, both while traffic flows.
 */
export class TcpProxy {
  private readonly sockets = new Set<net.Socket>();
  private readonly pumps = new Set<FaultPump>();
  private readonly faults: Record<Direction, Faults> = { up: {}, down: {} };
  private isCut = false;

  private constructor(private readonly server: net.Server) {}

  /** Listens on a free loopback port (or `port`) and forwards to `target`. */
  static async start(target: Target, port = 0): Promise<TcpProxy> {
    const server = net.createServer();
    const proxy = new TcpProxy(server);
    server.on('connection', (client) => proxy.accept(client, target));
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Sets the faults of one direction, or both: they replace that direction's current ones. */
  inject(direction: Direction | 'both', faults: Faults): void {
    for (const side of direction === 'both' ? (['up', 'down'] as const) : [direction]) this.faults[side] = faults;
    for (const pump of this.pumps) pump.changed();
  }

  /** No fault any more in either direction; what a blackhole swallowed stays lost. */
  heal(): void {
    this.inject('both', {});
  }

  cut(): void {
    this.isCut = true;
    for (const socket of this.sockets) socket.destroy();
  }

  restore(): void {
    this.isCut = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private accept(client: net.Socket, target: Target): void {
    if (this.isCut) return void client.destroy();
    const { host, port } = typeof target === 'function' ? target() : target;
    const upstream = net.connect(port, host);
    for (const [socket, peer] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      this.sockets.add(socket);
      socket.on('error', () => peer.destroy());
      socket.on('close', () => {
        this.sockets.delete(socket);
        peer.destroy();
      });
    }
    // A reset (RST), not a close (FIN): what a peer sees when a middlebox or a crashed host drops the link.
    const reset = () => {
      for (const socket of [client, upstream]) {
        if (socket.destroyed) continue;
        if (socket.pending) socket.destroy();
        else socket.resetAndDestroy();
      }
    };
    for (const [from, to, direction] of [
      [client, upstream, 'up'],
      [upstream, client, 'down'],
    ] as const) {
      const pump = new FaultPump(from, to, () => this.faults[direction], reset);
      this.pumps.add(pump);
      from.on('close', () => this.pumps.delete(pump));
    }
  }
}
