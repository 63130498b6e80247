export { parseEdf, parseTals, EDF_ANNOTATIONS_LABEL } from './parse.js';
export { parseGdf } from './gdf.js';
export { parseSignalCsv, parseSignalFile, signalFormatOf } from './detect.js';
export type { SignalAnnotation, SignalChannel, SignalRecording } from './types.js';
