// Follow-up questions. By default no model call: retrieval searches the question alone and the question with
// the previous user turn (server/retrieval/retrieve.ts). With "Rewrite follow-ups with the model" on, one small
// non-streamed call condenses a follow-up into a standalone question, which is then searched alone.
import type OpenAI from 'openai';
import type { ReasoningParam } from '../openrouter/reasoning.js';
import type { Turn } from './prompt.js';

/** The latest user turn before the question: what a follow-up's subject usually points at. */
export function previousQuestion(history: Turn[]): string | null {
  for (let i = history.length - 1; i >= 0; i--) if (history[i].role === 'user') return history[i].text;
  return null;
}

const REWRITE_INSTRUCTIONS =
  'Rewrite the last question of this conversation as one standalone question that can be understood without the conversation, in the language it was asked in. Reply with the question only, without quotes, and answer nothing.';
/** Turns and characters of history the rewrite reads: enough for a subject, cheap. */
const REWRITE_TURNS = 4;
const TURN_CHARACTERS = 600;
const MAX_REWRITE_TOKENS = 120;
const MAX_REWRITE_CHARACTERS = 1000;

export interface Rewrite {
  text: string;
  cost: number;
  tokens: number;
}

/** One cheap call (minimal reasoning, short answer); null when the model returned nothing usable. */
export async function rewriteFollowUp(
  client: OpenAI,
  params: { model: string; reasoning: ReasoningParam | null; history: Turn[]; question: string; user: string; signal: AbortSignal },
): Promise<Rewrite | null> {
  const transcript = params.history
    .slice(-REWRITE_TURNS)
    .map((t) => `${t.role === 'user' ? 'Visitor' : 'Assistant'}: ${t.text.slice(0, TURN_CHARACTERS)}`)
    .join('\n');
  const body = {
    model: params.model,
    messages: [
      { role: 'system', content: REWRITE_INSTRUCTIONS },
      { role: 'user', content: `${transcript}\nVisitor: ${params.question}` },
    ],
    max_tokens: MAX_REWRITE_TOKENS + (params.reasoning ? 512 : 0),
    temperature: 0,
    ...(params.reasoning ? { reasoning: params.reasoning } : {}),
    user: params.user,
  };
  const response = await client.chat.completions.create(body as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming, { signal: params.signal });
  const usage = (response as unknown as { usage?: Record<string, any> }).usage;
  const text =
    response.choices?.[0]?.message?.content
      ?.trim()
      .replace(/^["“]|["”]$/g, '')
      .trim()
      .slice(0, MAX_REWRITE_CHARACTERS) ?? '';
  return text ? { text, cost: typeof usage?.cost === 'number' ? usage.cost : 0, tokens: (usage?.prompt_tokens ?? 0) + (usage?.completion_tokens ?? 0) } : null;
}
