import { z } from 'zod';

export interface OptionIssue {
  /** Spec path of the bad value, e.g. "strategies[1].options.mu". */
  readonly path: string;
  readonly problem: string;
}

/**
 * zod issues as spec paths rooted at `root` with what is wrong. An unknown key is reported at its
 * own path with the strategy's known options listed.
 */
export function optionIssues(error: z.ZodError, root: string, schema: z.ZodType): OptionIssue[] {
  const known = schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
  const knownText = known.length > 0 ? `known options: ${known.join(', ')}` : 'this strategy takes no options';
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((k) => ({ path: pathText(root, [...issue.path, k]), problem: `unknown option (${knownText})` }));
    }
    return [{ path: pathText(root, issue.path), problem: issue.message }];
  });
}

function pathText(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out || '(root)';
}
