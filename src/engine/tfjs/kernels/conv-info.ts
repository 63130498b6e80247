/** Shape bookkeeping shared by the conv gradient kernels (NHWC only, like wasm's Conv2D). */
import { backend_util, type TensorInfo } from '@tensorflow/tfjs-core';
import { MedfedError, ErrorCodes } from '../../../core/errors.js';
import { runKernel, type BackendWasm } from './wasm-backend.js';

export interface ConvGradAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

export function convInfoNHWC(
  kernelName: string,
  xShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  attrs: ConvGradAttrs,
): backend_util.Conv2DInfo {
  if (attrs.dataFormat === 'NCHW') {
    throw new MedfedError(ErrorCodes.ENGINE_FAILURE, `${kernelName} on wasm supports only channels-last (NHWC) data`, {
      where: 'src/engine/tfjs/kernels/conv-info.ts',
      hint: "use dataFormat 'NHWC'",
    });
  }
  return backend_util.computeConv2DInfo(xShape, filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
}

/** A stride-1-or-more, dilated, explicitly padded conv2d on the XNNPACK Conv2D kernel. */
export function conv2dExplicit(
  backend: BackendWasm,
  x: TensorInfo,
  filter: TensorInfo,
  options: { strides: [number, number]; dilations: [number, number]; pads: [number, number, number, number] },
): TensorInfo {
  const [top, bottom, left, right] = options.pads;
  const pad: backend_util.ExplicitPadding = [[0, 0], [top, bottom], [left, right], [0, 0]];
  return runKernel('Conv2D', { x, filter }, { strides: options.strides, pad, dataFormat: 'NHWC', dilations: options.dilations }, backend);
}
