import { connect } from 'node:tls';
import { readStartupKit } from '../../src/pki/startup-kit.js';
import { modelBytes, siteUpdate } from './payload.js';

/**
 * The raw-TLS baseline's sender: one mutual-TLS socket (a site's certificate) to the sink; each
 * 'g' it receives, it writes the same 200 MiB update a medfed site sends, in 1 MiB writes with
 * backpressure. argv: kit folder, port, site index.
 */
const [kitDir, port, index] = process.argv.slice(2);
const kit = readStartupKit(kitDir);
const update = new Uint8Array(siteUpdate(Number(index)).buffer);
const sliceBytes = 1024 * 1024;

const socket = connect({ host: '127.0.0.1', servername: 'localhost', port: Number(port), ca: kit.caPem, cert: kit.certPem, key: kit.keyPem, minVersion: 'TLSv1.2' });
socket.on('data', () => void send());
socket.on('error', (e) => {
  process.stderr.write(`tls source: ${e.message}\n`);
  process.exit(1);
});
process.on('disconnect', () => {
  socket.destroy();
  process.exit(0);
});

async function send(): Promise<void> {
  for (let off = 0; off < modelBytes; off += sliceBytes) {
    if (!socket.write(update.subarray(off, off + sliceBytes))) await new Promise((r) => socket.once('drain', r));
  }
}
