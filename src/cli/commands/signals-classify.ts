import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { readSignalFile } from '../../connectors/edf/read-file.js';
import type { SignalRecording } from '../../connectors/edf/types.js';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { isWeightsOf, modelLayout } from '../../core/model-params.js';
import type { ModelSpec } from '../../core/model-spec.js';
import { decodeSafetensors } from '../../core/safetensors.js';
import { getEngine } from '../../engine/registry.js';
import { loadStudySpec } from '../../node/load-study-spec.js';
import { readDataBytes } from '../../node/read-data-file.js';
import { BEAT_LENGTH } from '../../signals/ecg/beats.js';
import { classifyEcgBeats, type RecordClassification } from '../../signals/ecg/classify-beats.js';
import { ECG_LABEL } from '../../signals/ecg/lead-names.js';

export interface ClassifyOptions {
  study: string;
  weights: string;
  model?: string;
  channel?: string;
  rate?: number;
  threshold?: number;
  engine?: string;
}

/** The beat classifier of a wearable ECG study: its model spec (by name) for the beat windows. */
export function beatModelSpec(studyFile: string, modelName: string | undefined): { spec: ModelSpec; name: string } {
  const { spec } = loadStudySpec(studyFile);
  if (spec.data.kind !== 'ecg-synthetic') {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `${studyFile} trains on ${spec.data.kind} data, not ECG beats`, {
      where: `${studyFile}: data.kind`,
      hint: 'pass the wearable ECG study the weights came from (e.g. examples/wearables/ecg-pvc.yaml)',
    });
  }
  const entry = modelName === undefined ? spec.models[0] : spec.models.find((m) => m.name === modelName);
  if (!entry) {
    throw new MedfedError(ErrorCodes.UNKNOWN_NAME, `${studyFile} has no model "${modelName}"`, { where: '--model', hint: `models: ${spec.models.map((m) => m.name).join(', ')}` });
  }
  return { spec: { inputShape: [BEAT_LENGTH, 1], layers: entry.layers, loss: 'softmax_cross_entropy' }, name: entry.name };
}

/** The ECG lead to classify: --channel, else the only channel, else the one labelled as an ECG lead. */
export function pickEcgChannel(rec: SignalRecording, label: string | undefined): { samples: Float32Array; sampleRate: number; label: string } {
  const named = label !== undefined ? rec.channels.filter((c) => c.label === label) : rec.channels.length === 1 ? rec.channels : rec.channels.filter((c) => ECG_LABEL.test(c.label));
  if (named.length !== 1) {
    throw new MedfedError(
      ErrorCodes.CONFIG_INVALID,
      label !== undefined ? `${rec.source} has no channel "${label}"` : `${rec.source} has ${named.length} channels that look like ECG leads; say which with --channel`,
      { where: '--channel', hint: `channels: ${rec.channels.map((c) => c.label).join(', ')}` },
    );
  }
  const c = named[0];
  return { samples: Float32Array.from(c.samples), sampleRate: c.sampleRate, label: c.label };
}

export async function classifyRecordFile(file: string, o: ClassifyOptions): Promise<RecordClassification & { channel: string; model: string }> {
  const { spec, name } = beatModelSpec(o.study, o.model);
  const weights = decodeSafetensors(await readDataBytes(o.weights), o.weights).tensors;
  const layout = modelLayout(spec);
  if (!isWeightsOf(layout, weights)) {
    throw new MedfedError(ErrorCodes.SHAPE_MISMATCH, `${o.weights} does not hold the tensors of model "${name}" in ${o.study}`, {
      where: o.weights,
      hint: `expected ${layout.params.map((p) => `${p.name} [${p.shape.join(', ')}]`).join(', ')}; run medfed inspect on the file`,
    });
  }
  const lead = pickEcgChannel(await readSignalFile(file, { sampleRate: o.rate }), o.channel);
  const engine = await getEngine(o.engine ?? 'tfjs-wasm');
  const model = await engine.build(spec, { seed: 0 });
  try {
    model.setWeights(weights);
    return { ...(await classifyEcgBeats(model, lead.samples, lead.sampleRate, o.threshold ?? 0.5)), channel: lead.label, model: name };
  } finally {
    model.dispose();
  }
}

export function registerSignalsClassifyCommand(signals: Command): void {
  signals
    .command('classify')
    .description('Run a trained beat classifier (the wearable ECG study) over an unannotated ECG record: R peaks, then normal vs PVC per beat')
    .argument('<file>', '.edf, .gdf or a signal CSV')
    .requiredOption('--study <study.yaml>', 'the wearable ECG study the model was trained in (its model layers)')
    .requiredOption('--weights <file.safetensors>', "the trained weights (a study's models/<run>.safetensors)")
    .option('--model <name>', 'model name in the study (default: its first model)')
    .option('--channel <label>', 'the ECG channel (default: the only channel, or the one labelled as an ECG lead)')
    .option('--rate <hz>', 'sampling rate of a CSV (default: from a file name like …_360hz.csv)', Number.parseFloat)
    .option('--threshold <p>', 'PVC probability at or above which a beat counts as a PVC', Number.parseFloat, 0.5)
    .option('--engine <name>', 'tfjs-wasm (default), tfjs-cpu or libtorch', 'tfjs-wasm')
    .option('--json <file>', 'also write every beat (time, PVC probability) as JSON')
    .action(async (file: string, opts: ClassifyOptions & { json?: string }) => {
      const r = await classifyRecordFile(file, opts);
      process.stdout.write(
        `${file} [${r.channel}], model ${r.model}: ${r.detected} beats detected (mean ${r.meanHeartRate.toFixed(1)} bpm), ${r.beats.length} classified, ` +
          `${r.pvcCount} PVC (${(100 * r.pvcFraction).toFixed(1)}%) at P(PVC) ≥ ${r.threshold}\n`,
      );
      if (opts.json) writeFileSync(opts.json, `${JSON.stringify(r, null, 2)}\n`);
    });
}
