/** One channel of a physiological recording (EDF, GDF or a single-column CSV), in physical units. */
export interface SignalChannel {
  readonly label: string;
  readonly transducer: string;
  /** Physical dimension as written in the file (e.g. "uV", "µV", "mV"; "adu" for raw CSV). */
  readonly physicalDimension: string;
  readonly physicalMin: number;
  readonly physicalMax: number;
  readonly digitalMin: number;
  readonly digitalMax: number;
  readonly prefiltering: string;
  readonly samplesPerRecord: number;
  /** Samples per second: samplesPerRecord / record duration. */
  readonly sampleRate: number;
  /** Physical values, (d − dmin)·(pmax − pmin)/(dmax − dmin) + pmin for every stored digital value d. */
  readonly samples: Float64Array;
}

/** An event: EDF+ TAL (onset, duration, text) or a GDF event-table entry (type code as text). */
export interface SignalAnnotation {
  /** Seconds from the start of the recording. */
  readonly onset: number;
  /** Seconds, or null where the file gives none. */
  readonly duration: number | null;
  readonly text: string;
}

export interface SignalRecording {
  /** Where the bytes came from (a path), used in every error message. */
  readonly source: string;
  /** "EDF", "EDF+C", "EDF+D", "GDF 1.25", "CSV". */
  readonly format: string;
  readonly patient: string;
  readonly recording: string;
  /** Start as written in the file ("dd.mm.yy hh.mm.ss" for EDF, "YYYYMMDDhhmmsscc" for GDF 1.x). */
  readonly start: string;
  readonly recordCount: number;
  /** Seconds per data record. */
  readonly recordDuration: number;
  /** recordCount × recordDuration, seconds. */
  readonly durationSeconds: number;
  /** The ordinary signals (EDF+ annotation signals are not channels: their TALs are in `annotations`). */
  readonly channels: readonly SignalChannel[];
  readonly annotations: readonly SignalAnnotation[];
  /** Deviations from the format that the reader tolerated (each is said once, with counts). */
  readonly warnings: readonly string[];
}
