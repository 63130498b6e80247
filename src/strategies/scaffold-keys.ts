/** Directive extra: the server control variate c (trainable tensors only). */
export const SCAFFOLD_C = 'scaffold.c';
/** Reply extra: c_i⁺ − c_i. */
export const SCAFFOLD_DELTA_C = 'scaffold.delta_c';
/** SiteState key of the site control variate c_i. */
export const SCAFFOLD_C_I = 'scaffold.c_i';
