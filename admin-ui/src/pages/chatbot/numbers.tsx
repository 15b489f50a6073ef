// The Chatbot screen's number fields, as data: each row's label, range, unit and help, drawn by NumberFields.
import type { ComponentChildren } from 'preact';
import { NumberField } from '../../components/Field.js';
import type { NumberKey, SectionProps } from './form.js';

interface NumberSpec {
  field: NumberKey;
  label: string;
  min: number;
  max: number;
  step?: number;
  width?: 'tiny';
  unit?: string;
  unitBefore?: string;
  help: ComponentChildren;
}

/** The rows of `specs`, each bound to its field of the form. */
export function NumberFields({ specs, bind }: { specs: NumberSpec[]; bind: SectionProps['bind'] }) {
  return (
    <>
      {specs.map(({ field, ...spec }) => (
        <NumberField key={field} {...spec} {...bind(field)} />
      ))}
    </>
  );
}

export const MODEL_NUMBERS: NumberSpec[] = [
  {
    field: 'temperature',
    label: 'Temperature',
    min: 0,
    max: 2,
    step: 0.1,
    width: 'tiny',
    help: 'How much the wording varies, from 0 to 2. Lower is more focused and repeatable; higher is more varied. 0.3 suits factual answers.',
  },
  {
    field: 'maxAnswerTokens',
    label: 'Max answer tokens',
    min: 64,
    max: 8000,
    unit: 'tokens',
    help: 'The longest answer the bot may write, in tokens: pieces of words, about ¾ of a word each (700 tokens is about 500 words). Longer answers cost more.',
  },
  {
    field: 'historyTurns',
    label: 'History length',
    min: 0,
    max: 20,
    width: 'tiny',
    unit: 'turns',
    help: 'How many earlier questions and answers the bot remembers, so follow-up questions make sense. 0 = none.',
  },
];

export const SEARCH_NUMBERS: NumberSpec[] = [
  {
    field: 'topK',
    label: 'Chunks per answer',
    min: 1,
    max: 20,
    width: 'tiny',
    unit: 'chunks',
    help: (
      <>
        How many chunks (short passages of your content) the bot reads before it answers, best matches first; often called top-k. More can help with broad
        questions, but each answer costs a little more. Chunk size is set in <a href="/admin/training?tab=database">Data Training → Database Management</a>.
      </>
    ),
  },
  {
    field: 'minMatch',
    label: 'Minimum match',
    min: 0,
    max: 100,
    width: 'tiny',
    unit: '%',
    help: (
      <>
        How closely a chunk must match the meaning of the question to be used, from 0 to 100%. Raise it if answers use unrelated pages; lower it if the bot says
        "I don't know" too often. Try questions in the <a href="/admin/playground">Playground</a>.
      </>
    ),
  },
];

export const ABUSE_NUMBERS: NumberSpec[] = [
  {
    field: 'maxMessageLength',
    label: 'Max message length',
    min: 50,
    max: 4000,
    unit: 'characters',
    help: 'Longer questions from visitors are refused. Stops people pasting whole documents.',
  },
  {
    field: 'messagesPerMinutePerVisitor',
    label: 'Messages per minute',
    min: 1,
    max: 120,
    width: 'tiny',
    unit: 'per visitor',
    help: 'A visitor who sends more has to wait a moment. Real people rarely send more than a few.',
  },
  {
    field: 'dailyMessagesPerVisitor',
    label: 'Daily messages',
    min: 1,
    max: 10000,
    unit: 'per visitor',
    help: 'After this many questions in a day (UTC), a visitor is asked to come back tomorrow.',
  },
  {
    field: 'maxMessagesPerConversation',
    label: 'Max messages per conversation',
    min: 2,
    max: 500,
    help: 'Long conversations cost more per answer. Past this, the visitor is asked to start a new chat.',
  },
  {
    field: 'dailySpendCapUsd',
    label: 'Daily spend cap',
    min: 0,
    max: 10000,
    step: 0.01,
    unitBefore: '$',
    unit: 'per day',
    help: '0 = no cap. When the whole site has spent this much today (UTC), the widget answers with links to matching pages only, until midnight UTC.',
  },
];

export const RETENTION_NUMBERS: NumberSpec[] = [
  {
    field: 'retentionDays',
    label: 'Keep conversations for',
    min: 0,
    max: 3650,
    unit: 'days',
    help: '0 = keep forever. Older conversations are deleted automatically a few times a day.',
  },
];
