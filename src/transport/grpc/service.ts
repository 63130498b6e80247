import * as grpc from '@grpc/grpc-js';

/**
 * The medfed gRPC service, defined by hand: every method moves raw bytes (identity
 * serialisers), and medfed parses them itself — frames on Connect (frames.ts), and one
 * length-checked, schema-checked JSON document per admin call (admin-protocol.ts).
 * No protobuf decoding of untrusted input, no generic object deserialisation.
 */
const raw = {
  requestSerialize: (b: Buffer) => b,
  requestDeserialize: (b: Buffer) => b,
  responseSerialize: (b: Buffer) => b,
  responseDeserialize: (b: Buffer) => b,
};

export const medfedService = {
  /** Site agent ⇄ coordinator: one long-lived stream per site, dialled by the site. */
  connect: { path: '/medfed.v1.Federation/Connect', requestStream: true, responseStream: true, ...raw },
  /** Admin and researcher clients: one JSON request, one JSON reply. */
  admin: { path: '/medfed.v1.Federation/Admin', requestStream: false, responseStream: false, ...raw },
  /** Download of a job's results: one JSON request, a stream of file chunks. */
  download: { path: '/medfed.v1.Federation/Download', requestStream: false, responseStream: true, ...raw },
} satisfies grpc.ServiceDefinition;

export type MedfedClient = grpc.Client & {
  connect(metadata?: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<Buffer, Buffer>;
  admin(request: Buffer, callback: grpc.requestCallback<Buffer>): grpc.ClientUnaryCall;
  download(request: Buffer): grpc.ClientReadableStream<Buffer>;
};

export const MedfedClientConstructor = grpc.makeGenericClientConstructor(medfedService, 'Federation') as unknown as new (
  address: string,
  credentials: grpc.ChannelCredentials,
  options?: grpc.ChannelOptions,
) => MedfedClient;
