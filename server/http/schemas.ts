import { z } from 'zod';

/** Every error response: Fastify's usual trio, plus per-field messages for forms. */
export const ErrorBody = z.object({
  statusCode: z.number(),
  error: z.string(),
  message: z.string(),
  fields: z.record(z.string(), z.string()).optional(),
});
