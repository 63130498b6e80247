import { readFileSync } from 'node:fs';
import { readHeartDataset } from '../../connectors/csv/read-file.js';
import { readNiftiFile } from '../../connectors/nifti/read-file.js';
import type { Dataset } from '../../core/dataset.js';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { isWeightsOf, modelLayout, parseModelSpec } from '../../core/model-params.js';
import { modelSpecSchema, type ModelSpec } from '../../core/model-spec.js';
import { decodeSafetensors } from '../../core/safetensors.js';
import type { Weights } from '../../core/tensors.js';
import { parseYamlConfig } from '../../core/yaml-config.js';
import { toDataset } from '../../data/encode.js';
import { packagePath } from '../../node/tool-version.js';
import { axialSlices, type LabelledImages } from '../../redteam/mri-slices.js';

/** The user's model for `medfed redteam --spec model.yaml [--model weights.safetensors]`, or the default. */
export function loadUserModel(specFile: string | undefined, weightsFile: string | undefined, fallback: unknown): { spec: ModelSpec; weights?: Weights; source: string } {
  if (weightsFile && !specFile) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, '--model needs --spec: the weights file alone does not say how the layers are built', {
      where: '--model',
      hint: 'pass --spec model.yaml (a model spec: inputShape, layers, loss; docs/model-spec.md)',
    });
  }
  if (!specFile) return { spec: parseModelSpec(fallback), source: 'default model' };
  let text: string;
  try {
    text = readFileSync(specFile, 'utf8');
  } catch (e) {
    throw new MedfedError(ErrorCodes.DATA_UNREADABLE, `cannot read the model spec ${specFile}`, { where: specFile, hint: 'check the path', cause: e });
  }
  const spec = parseYamlConfig(text, specFile, modelSpecSchema, 'model spec', 'see docs/model-spec.md');
  if (!weightsFile) return { spec, source: specFile };
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(weightsFile));
  } catch (e) {
    throw new MedfedError(ErrorCodes.DATA_UNREADABLE, `cannot read the weights file ${weightsFile}`, { where: weightsFile, hint: 'check the path', cause: e });
  }
  const weights = decodeSafetensors(bytes, weightsFile).tensors;
  const layout = modelLayout(spec);
  if (!isWeightsOf(layout, weights)) {
    throw new MedfedError(ErrorCodes.SHAPE_MISMATCH, `${weightsFile} does not hold the tensors of ${specFile} (expected ${layout.params.map((p) => `${p.name} [${p.shape.join(', ')}]`).join(', ')})`, {
      where: weightsFile,
      hint: 'run medfed inspect on the weights file and compare with the spec',
    });
  }
  return { spec, weights, source: `${specFile} + ${weightsFile}` };
}

/** Axial slices of the bundled ch2 MRI template at the model's input size. */
export async function loadMriImages(spec: ModelSpec, classes: number, count: number): Promise<LabelledImages> {
  const shape = spec.inputShape;
  const pixels = shape.reduce((a, b) => a * b, 1);
  const side = shape.length >= 2 ? shape[0] : Math.round(Math.sqrt(pixels));
  if ((shape.length >= 2 && shape[0] !== shape[1]) || side * side !== pixels) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `the inversion attack needs square single-channel images; input shape [${shape.join(', ')}] is not`, {
      where: 'inputShape',
      hint: 'use inputShape [S, S, 1] or [S*S] with S >= 11',
    });
  }
  return axialSlices(await readNiftiFile(packagePath('data/imaging/ch2.nii.gz')), { size: side, count, classes });
}

export async function loadHeart(): Promise<Dataset> {
  return toDataset(await readHeartDataset());
}
