// Chatbot → Model and search: temperature, answer length, history, follow-ups and the retrieval knobs.
import { CheckboxField, NumberField } from '../../components/Field.js';
import { Notice } from '../../components/Notice.js';
import { Postbox } from '../../components/Postbox.js';
import type { SectionProps } from './form.js';

export function ModelSection({ form, errors, sectionErrors, saving, update, bind }: SectionProps) {
  return (
    <Postbox id="model-title" title="Model and search" body="inside form-table">
      {sectionErrors.retrieval && (
        <Notice type="error" inline live={false}>
          <p>{sectionErrors.retrieval}</p>
        </Notice>
      )}
      <NumberField
        label="Temperature"
        {...bind('temperature')}
        min={0}
        max={2}
        step={0.1}
        width="tiny"
        help="How much the wording varies, from 0 to 2. Lower is more focused and repeatable; higher is more varied. 0.3 suits factual answers."
      />
      <NumberField
        label="Max answer tokens"
        {...bind('maxAnswerTokens')}
        min={64}
        max={8000}
        unit="tokens"
        help="The longest answer the bot may write, in tokens: pieces of words, about ¾ of a word each (700 tokens is about 500 words). Longer answers cost more."
      />
      <NumberField
        label="History length"
        {...bind('historyTurns')}
        min={0}
        max={20}
        width="tiny"
        unit="turns"
        help="How many earlier questions and answers the bot remembers, so follow-up questions make sense. 0 = none."
      />
      <CheckboxField
        label="Follow-up questions"
        labelId="follow-ups-label"
        {...bind('rewriteFollowUps')}
        text="Rewrite follow-ups with the model"
        help={
          <>
            A follow-up such as "And how much is it?" is always searched together with the visitor's previous question, at no extra cost. On: the model first
            rewrites it into a question that stands alone ("How much is the Pro plan?"), one small extra AI call per follow-up. The{' '}
            <a href="/admin/playground">Playground</a> shows what was searched.
          </>
        }
      />
      <NumberField
        label="Chunks per answer"
        {...bind('topK')}
        min={1}
        max={20}
        width="tiny"
        unit="chunks"
        help={
          <>
            How many chunks (short passages of your content) the bot reads before it answers, best matches first; often called top-k. More can help with broad
            questions, but each answer costs a little more. Chunk size is set in <a href="/admin/training?tab=database">Data Training → Database Management</a>.
          </>
        }
      />
      <NumberField
        label="Minimum match"
        {...bind('minMatch')}
        min={0}
        max={100}
        width="tiny"
        unit="%"
        help={
          <>
            How closely a chunk must match the meaning of the question to be used, from 0 to 100%. Raise it if answers use unrelated pages; lower it if the bot
            says "I don't know" too often. Try questions in the <a href="/admin/playground">Playground</a>.
          </>
        }
      />
    </Postbox>
  );
}
