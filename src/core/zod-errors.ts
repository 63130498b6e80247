import type { z } from 'zod';

/** Render zod issues as "path: what was expected" lines, path rooted at `root`. */
export function formatZodIssues(error: z.ZodError, root = ''): string {
  return error.issues
    .map((issue) => {
      const path = [root, ...issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))]
        .join('')
        .replace(/^\./, '')
        .replace(/\.\[/g, '[');
      return `${path || '(root)'}: ${issue.message}`;
    })
    .join('; ');
}
