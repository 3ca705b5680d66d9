// Client-side validation with the server's own Zod schemas (imported from src/modules/*/…schemas.ts,
// which depend on nothing server-only). A form checks its body before sending it and shows the
// same field errors, with the same paths and words, that the server would answer.
import type { ZodType } from 'zod';
import { ApiError } from './api.ts';

/** The server's validation_failed answer for `body`, or null when the schema accepts it. */
export function validateBody(schema: ZodType, body: unknown): ApiError | null {
  const result = schema.safeParse(body);
  if (result.success) return null;
  // Same shape as the server's (fastify-type-provider-zod): `/body` plus the issue's path.
  const errors = result.error.issues.map((issue) => ({
    path: `/body${issue.path.length ? `/${issue.path.join('/')}` : ''}`,
    message: issue.message,
  }));
  return new ApiError(400, 'validation_failed', 'The request is invalid; see errors for each field.', errors);
}
