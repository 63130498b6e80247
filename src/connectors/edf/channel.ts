import type { SignalChannel } from './types.js';

/** A signal's header fields as EDF and GDF both declare them. */
export interface ChannelHeader {
  readonly label: string;
  readonly transducer: string;
  readonly dim: string;
  readonly pmin: number;
  readonly pmax: number;
  readonly dmin: number;
  readonly dmax: number;
  readonly prefilter: string;
  /** Samples per data record. */
  readonly spr: number;
}

/** A channel from its header, the record duration (s) and its samples in physical units. */
export function channelOf(h: ChannelHeader, recordDuration: number, samples: Float64Array): SignalChannel {
  return {
    label: h.label,
    transducer: h.transducer,
    physicalDimension: h.dim,
    physicalMin: h.pmin,
    physicalMax: h.pmax,
    digitalMin: h.dmin,
    digitalMax: h.dmax,
    prefiltering: h.prefilter,
    samplesPerRecord: h.spr,
    sampleRate: h.spr / recordDuration,
    samples,
  };
}
