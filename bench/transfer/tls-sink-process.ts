import { createServer, type TLSSocket } from 'node:tls';
import { readStartupKit } from '../../src/pki/startup-kit.js';
import { serveIpc } from './ipc.js';

/**
 * The raw-TLS baseline's receiver: a node:tls server with the coordinator's certificate that
 * demands client certificates from the project CA, counts and discards every byte. `round`
 * tells every connected source to send its bytes at once and times until all have arrived.
 */
const sockets: TLSSocket[] = [];
let received = 0;
let onByte: (() => void) | null = null;

serveIpc({
  start: async (a: { kitDir: string }) => {
    const kit = readStartupKit(a.kitDir);
    const server = createServer({ ca: kit.caPem, cert: kit.certPem, key: kit.keyPem, requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.2' }, (s) => {
      sockets.push(s);
      s.on('data', (b: Buffer) => {
        received += b.byteLength;
        onByte?.();
      });
      s.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { port: (server.address() as { port: number }).port };
  },
  /** Once `count` sources are connected: the TLS version and cipher they negotiated. */
  waitSources: async (a: { count: number }) => {
    while (sockets.length < a.count) await new Promise((r) => setTimeout(r, 20));
    return [...new Set(sockets.map((s) => `${s.getProtocol() ?? '?'} ${s.getCipher().name}`))].join(', ');
  },
  round: async (a: { bytesEach: number }) => {
    received = 0;
    const want = a.bytesEach * sockets.length;
    const t0 = performance.now();
    const done = new Promise<void>((resolve) => {
      onByte = () => {
        if (received >= want) resolve();
      };
    });
    for (const s of sockets) s.write('g');
    await done;
    onByte = null;
    return { seconds: (performance.now() - t0) / 1000, bytes: received };
  },
});
