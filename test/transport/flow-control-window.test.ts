import assert from 'node:assert/strict';
import type { Http2Session } from 'node:http2';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { flowControlWindowBytes, installSessionWindow } from '../../src/transport/grpc/http2-windows.js';
import { MedfedClientConstructor, medfedService, type MedfedClient } from '../../src/transport/grpc/service.js';
import { channelOptions, clientCredentials, serverCredentials } from '../../src/transport/grpc/tls.js';
import { defaultWireLimits, maxFrameBytes } from '../../src/transport/grpc/wire-limits.js';
import { makeTestPki, type TestPki } from './fixture.js';

let pki: TestPki;
let server: grpc.Server;
let client: MedfedClient;

before(async () => {
  pki = await makeTestPki(['alpha']);
  // Built as startFederationServer builds it: channel options, the session hook, mTLS credentials.
  server = new grpc.Server(channelOptions(maxFrameBytes(defaultWireLimits)));
  assert.equal(installSessionWindow(server), true, 'grpc-js no longer has createHttp2Server: the connection window cannot be widened');
  server.addService(medfedService, {
    connect: (call: grpc.ServerDuplexStream<Buffer, Buffer>) => call.end(),
    admin: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => callback(null, call.request),
    download: (call: grpc.ServerWritableStream<Buffer, Buffer>) => call.end(),
  });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', serverCredentials(pki.kit('coordinator')), (e, p) => (e ? reject(e) : resolve(p))));
  client = new MedfedClientConstructor(`127.0.0.1:${port}`, clientCredentials(pki.kit('sites/alpha')), channelOptions(maxFrameBytes(defaultWireLimits)));
});

after(() => {
  client.close();
  server.forceShutdown();
});

test('both ends of a medfed connection grant the wide HTTP/2 flow-control window, per stream and per connection', async () => {
  assert.ok(flowControlWindowBytes > 65535);
  const echoed = await new Promise<Buffer>((resolve, reject) => client.admin(Buffer.from('ping'), (e, r) => (e || !r ? reject(e ?? new Error('no reply')) : resolve(r))));
  assert.equal(echoed.toString(), 'ping');
  const sessions = (server as unknown as { sessions?: Map<Http2Session, unknown> }).sessions;
  assert.ok(sessions instanceof Map, 'grpc-js keeps no session map: inspect the server another way');
  const [session] = [...sessions.keys()];
  assert.ok(session, 'the server saw no HTTP/2 session');
  // What the server grants the site: per stream (SETTINGS) and for the whole connection (WINDOW_UPDATE).
  assert.equal(session.localSettings.initialWindowSize, flowControlWindowBytes);
  assert.ok((session.state.localWindowSize ?? 0) >= flowControlWindowBytes / 2, `connection window ${session.state.localWindowSize}`);
  // What the site grants the server (grpc-js's grpc-node.flow_control_window on the channel).
  assert.equal(session.remoteSettings.initialWindowSize, flowControlWindowBytes);
});
