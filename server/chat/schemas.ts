// Shapes of the Conversations routes that change things, shared by the routes and their tests.
import { z } from 'zod';

/** POST /api/admin/conversations/:id/improve: a Q&A entry for one of the bot's answers. Limits as Data Training's Q&A. */
export const ImproveAnswerBody = z.object({
  messageId: z.string().uuid('Not an answer id: send the id of one of the bot’s answers in this conversation.'),
  question: z.string().trim().min(1, 'Enter the question.').max(1000, 'Keep the question to 1,000 characters at most.'),
  answer: z.string().trim().min(1, 'Enter the answer.').max(20_000, 'Keep the answer to 20,000 characters at most.'),
});
export type ImproveAnswerRequest = z.input<typeof ImproveAnswerBody>;

export const ImprovedAnswer = z.object({
  documentId: z.number(),
  /** added: a new Q&A entry; updated: the entry with this very question got the new answer; unchanged: it had it. */
  status: z.enum(['added', 'updated', 'unchanged']),
  chunks: z.number(),
  tokens: z.number(),
  /** Searchable now; when false, `problem` says why and Start Training on Data Training finishes the job. */
  trained: z.boolean(),
  problem: z.string().nullable(),
  messageId: z.string(),
  improvedAt: z.string(),
});
export type ImprovedAnswer = z.output<typeof ImprovedAnswer>;
