import { ErrorCodes, MedfedError } from '../core/errors.js';

/** Throws DATA_INVALID when there is nothing to evaluate. */
export function requireNonEmpty(n: number, where: string): void {
  if (n === 0) {
    throw new MedfedError(ErrorCodes.DATA_INVALID, 'cannot evaluate zero predictions', {
      where,
      hint: 'the evaluation split is empty: check the data split or the site filter',
    });
  }
}

/** Throws SHAPE_MISMATCH unless `predictions` has `perRow` values for each label. */
export function requireRows(predictions: ArrayLike<number>, labels: ArrayLike<number>, perRow: number, where: string): void {
  if (!Number.isInteger(perRow) || perRow < 1) {
    throw new MedfedError(ErrorCodes.SHAPE_MISMATCH, `numOutputs must be a positive integer, got ${perRow}`, { where });
  }
  if (predictions.length !== labels.length * perRow) {
    throw new MedfedError(
      ErrorCodes.SHAPE_MISMATCH,
      `${labels.length} labels need ${labels.length * perRow} predicted values (${perRow} per example), got ${predictions.length}`,
      { where, hint: 'pass the model outputs in row-major order, one row per example' },
    );
  }
}

/** Throws DATA_INVALID unless every value is a probability in [0, 1]. */
export function requireProbabilities(values: ArrayLike<number>, where: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v >= 0 && v <= 1)) {
      throw new MedfedError(ErrorCodes.DATA_INVALID, `predicted probability at index ${i} is ${v}; expected a value in [0, 1]`, {
        where,
        hint: 'evaluate the model outputs after the sigmoid/softmax link (TrainableModel.predict gives them)',
      });
    }
  }
}

/** Throws DATA_INVALID unless every label is an integer class index in [0, numClasses). */
export function requireClassLabels(labels: ArrayLike<number>, numClasses: number, where: string): void {
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (!(Number.isInteger(y) && y >= 0 && y < numClasses)) {
      throw new MedfedError(
        ErrorCodes.DATA_INVALID,
        `label at index ${i} is ${y}; expected a class index 0..${numClasses - 1}`,
        { where, hint: numClasses === 2 ? 'binary labels must be 0 or 1' : 'labels must be integer class indices' },
      );
    }
  }
}
