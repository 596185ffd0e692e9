import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TcpProxy } from '../support/events-tcp-proxy.js';
import { eventually } from '../support/eventually.js';

/** A server that answers every byte it gets with the same byte. */
async function echoServer(): Promise<net.Server> {
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    socket.on('data', (chunk) => socket.write(chunk));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** A client of the proxy that collects what comes back and how the connection ended. */
async function connect(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  const seen = { bytes: Buffer.alloc(0), closed: false };
  socket.on('data', (chunk) => (seen.bytes = Buffer.concat([seen.bytes, chunk])));
  socket.on('error', () => {});
  socket.on('close', () => (seen.closed = true));
  await new Promise((resolve) => socket.once('connect', resolve));
  return { socket, seen };
}

describe('the fault proxy', () => {
  let server: net.Server;
  let proxy: TcpProxy;

  beforeEach(async () => {
    server = await echoServer();
    proxy = await TcpProxy.start({ host: '127.0.0.1', port: (server.address() as net.AddressInfo).port });
  });
  afterEach(async () => {
    await proxy.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('forwards both ways unchanged without faults', async () => {
    const { socket, seen } = await connect(proxy.port);
    socket.write('hello');
    await eventually('the echo', () => seen.bytes.toString() === 'hello');
    socket.destroy();
  });

  it('delays each direction by at least its latency, and a heal delivers what was waiting at once', async () => {
    const { socket, seen } = await connect(proxy.port);
    proxy.inject('down', { latencyMs: 400, jitterMs: 100 });
    const sentAt = Date.now();
    socket.write('a');
    await eventually('the delayed echo', () => seen.bytes.length === 1, { timeoutMs: 5000 });
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(395);

    proxy.inject('up', { latencyMs: 60_000 });
    socket.write('b');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(seen.bytes.toString()).toBe('a');
    proxy.heal();
    await eventually('the echo once healed', () => seen.bytes.toString() === 'ab', { timeoutMs: 5000 });
    socket.destroy();
  });

  it('blackholes: accepts and swallows, answers nothing, until healed', async () => {
    proxy.inject('both', { blackhole: true });
    const { socket, seen } = await connect(proxy.port);
    socket.write('lost');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(seen.bytes.length).toBe(0);
    expect(seen.closed).toBe(false);
    proxy.heal();
    socket.write('kept');
    await eventually('the echo after the heal', () => seen.bytes.toString() === 'kept');
    socket.destroy();
  });

  it('drops the answers only, one way, while the requests still reach the server', async () => {
    let received = 0;
    server.on('connection', (socket) => socket.on('data', (chunk) => (received += chunk.length)));
    proxy.inject('down', { blackhole: true });
    const { socket, seen } = await connect(proxy.port);
    socket.write('12345');
    await eventually('the server to get the request', () => received === 5);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(seen.bytes.length).toBe(0);
    socket.destroy();
  });

  it('resets the connection after N bytes, having delivered exactly N', async () => {
    proxy.inject('down', { resetAfterBytes: 1000 });
    const { socket, seen } = await connect(proxy.port);
    socket.write(Buffer.alloc(3000, 1));
    await eventually('the reset', () => seen.closed, { timeoutMs: 5000 });
    expect(seen.bytes.length).toBe(1000);
  });

  it('limits the bandwidth: 3000 bytes at 2000 B/s take over a second', async () => {
    proxy.inject('down', { bytesPerSecond: 2000 });
    const { socket, seen } = await connect(proxy.port);
    const sentAt = Date.now();
    socket.write(Buffer.alloc(3000, 1));
    await eventually('every byte', () => seen.bytes.length === 3000, { timeoutMs: 10_000 });
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(1000);
    socket.destroy();
  });

  it('cut() closes open connections and refuses new ones until restore()', async () => {
    const { seen } = await connect(proxy.port);
    proxy.cut();
    await eventually('the open connection to close', () => seen.closed);
    const refused = await connect(proxy.port);
    await eventually('the new connection to close', () => refused.seen.closed);
    proxy.restore();
    const again = await connect(proxy.port);
    again.socket.write('back');
    await eventually('the echo after restore', () => again.seen.bytes.toString() === 'back');
    again.socket.destroy();
  });
});
