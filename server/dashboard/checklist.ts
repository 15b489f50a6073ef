import type { ConfigStore } from '../stores/config-store.js';
import type { SecretBox } from '../security/secret-box.js';
import { apiSettingsSaved, apiSettingsView } from '../settings/api-settings.js';

export interface ChecklistStep {
  id: 'api-key' | 'model' | 'training' | 'widget';
  label: string;
  done: boolean;
  detail: string;
  href: string;
}

/** Extra steps are computed by the features that own them (training, widget). */
export type StepProbe = () => Promise<Pick<ChecklistStep, 'done' | 'detail'>>;

export async function setupChecklist(store: ConfigStore, box: SecretBox, probes: { training?: StepProbe; widget?: StepProbe } = {}): Promise<ChecklistStep[]> {
  const api = await apiSettingsView(store, box);
  const modelSaved = await apiSettingsSaved(store);
  const keyDetail = !api.apiKey.saved
    ? 'Paste your OpenRouter API key and test it.'
    : api.keyCheck?.ok
      ? `Key ending in ${api.apiKey.last4} works.`
      : api.keyCheck
        ? 'The saved key failed its last test. Test it again or replace it.'
        : 'Key saved. Press "Test API Key" to check it.';
  const pending = (detail: string) => ({ done: false, detail });
  return [
    { id: 'api-key', label: 'Add and test your API key', href: '/admin/settings', done: api.apiKey.saved && api.keyCheck?.ok === true, detail: keyDetail },
    {
      id: 'model',
      label: 'Choose a chat model',
      href: '/admin/settings',
      done: modelSaved && api.apiKey.saved,
      detail: modelSaved ? `Using ${api.model}${api.reasoningEnabled ? ' with reasoning' : ''}.` : `Default: ${api.model}. Review it and save.`,
    },
    {
      id: 'training',
      label: 'Train the bot on your content',
      href: '/admin/training',
      ...((await probes.training?.()) ?? pending('Add pages, files or Q&A and start training.')),
    },
    {
      id: 'widget',
      label: 'Add the chat widget to your site',
      href: '/admin/widget',
      ...((await probes.widget?.()) ?? pending('Paste one script tag into your site.')),
    },
  ];
}
