// The Widget form: its fields as typed, the checks the browser makes before saving, and the request body.
import type { FieldBinding } from '../../components/Field.js';
import type { ServerErrorPlacement } from '../../components/useSettingsForm.js';
import type { WidgetAdminView, WidgetSettingsUpdate } from '../../../../server/widget/schemas.js';

/** The colour a new widget has, and the preview's while the typed one is not a colour yet. */
export const DEFAULT_COLOR = '#2271b1';

export type WidgetView = WidgetAdminView;
export type WidgetSettings = WidgetView['widget'];

/** The settings as typed: the avatar '' when none, the domains one per line. */
export type Form = Omit<WidgetSettings, 'avatarUrl' | 'allowedDomains'> & { avatarUrl: string; allowedDomains: string };

export type FieldKey = keyof Form;
export type Errors = Partial<Record<FieldKey, string>>;

export const ORDER: FieldKey[] = [
  'botName',
  'avatarUrl',
  'primaryColor',
  'position',
  'language',
  'welcomeMessage',
  'suggestedQuestions',
  'disclosure',
  'openOnLoad',
  'allowedDomains',
];
const FIELD_IDS: Partial<Record<FieldKey, string>> = {
  position: 'position-bottom-right',
  primaryColor: 'w-primaryColor-hex',
  suggestedQuestions: 'suggested-0',
  openOnLoad: 'w-openOnLoad',
};
export const fieldId = (k: FieldKey) => FIELD_IDS[k] ?? `w-${k}`;

export const MAX_QUESTIONS = 6;
export const HEX = /^#[0-9a-fA-F]{6}$/;
const DOMAIN = /^(https?:\/\/)?(\*\.)?[a-z0-9.-]+(:\d+)?\/?$/;
const DOMAIN_MESSAGE = 'Enter domains like example.com, *.example.com or https://shop.example.com.';
/** The widget's interface languages (widget/src/i18n.ts). */
export const UI_LANGUAGES: [string, string][] = [
  ['en', 'English'],
  ['de', 'Deutsch (German)'],
  ['fr', 'Français (French)'],
  ['es', 'Español (Spanish)'],
];

export function fromSettings(w: WidgetSettings): Form {
  return {
    botName: w.botName,
    avatarUrl: w.avatarUrl ?? '',
    primaryColor: w.primaryColor,
    position: w.position,
    welcomeMessage: w.welcomeMessage,
    suggestedQuestions: [...w.suggestedQuestions],
    disclosure: w.disclosure,
    language: w.language,
    openOnLoad: w.openOnLoad,
    allowedDomains: w.allowedDomains.join('\n'),
  };
}

export const domainLines = (text: string) =>
  text
    .split(/[\n,]+/)
    .map((d) => d.trim())
    .filter(Boolean);

export function isHttpUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && /^https?:\/\//i.test(v);
  } catch {
    return false;
  }
}

export function validate(f: Form): Errors {
  const e: Errors = {};
  const name = f.botName.trim();
  if (!name) e.botName = 'Enter a name for the bot.';
  else if (name.length > 60) e.botName = 'Keep the name to 60 characters or fewer.';
  if (f.avatarUrl.trim() && !isHttpUrl(f.avatarUrl.trim())) e.avatarUrl = 'The avatar must be an http(s) image URL.';
  if (!HEX.test(f.primaryColor.trim())) e.primaryColor = `Use a colour like ${DEFAULT_COLOR}.`;
  if (f.welcomeMessage.trim().length > 500) e.welcomeMessage = 'Keep the welcome message to 500 characters or fewer.';
  const questions = f.suggestedQuestions.map((q) => q.trim()).filter(Boolean);
  if (questions.some((q) => q.length > 120)) e.suggestedQuestions = 'Keep suggested questions under 120 characters.';
  else if (questions.length > MAX_QUESTIONS) e.suggestedQuestions = 'Offer at most 6 suggested questions.';
  if (f.disclosure.trim().length > 200) e.disclosure = 'Keep the disclosure line to 200 characters or fewer.';
  const domains = domainLines(f.allowedDomains);
  const bad = domains.find((d) => !DOMAIN.test(d.toLowerCase()));
  if (bad) e.allowedDomains = `"${bad}" is not a domain. ${DOMAIN_MESSAGE}`;
  else if (domains.length > 100) e.allowedDomains = 'List at most 100 domains.';
  return e;
}

export function toBody(f: Form) {
  return {
    botName: f.botName.trim(),
    avatarUrl: f.avatarUrl.trim() || null,
    primaryColor: f.primaryColor.trim(),
    position: f.position,
    welcomeMessage: f.welcomeMessage.trim(),
    suggestedQuestions: f.suggestedQuestions.map((q) => q.trim()).filter(Boolean),
    disclosure: f.disclosure.trim(),
    language: f.language,
    openOnLoad: f.openOnLoad,
    allowedDomains: domainLines(f.allowedDomains),
  } satisfies WidgetSettingsUpdate;
}

/** Server messages for fields on this form go on them; any other is listed in the notice. */
export function placeServerErrors(fields: Record<string, string>): ServerErrorPlacement<FieldKey> {
  const known: Errors = {};
  const extra: string[] = [];
  for (const [k, v] of Object.entries(fields)) {
    if ((ORDER as string[]).includes(k)) known[k as FieldKey] = v;
    else extra.push(v);
  }
  return { fields: known, extra };
}

/** What each box of the form gets from the screen. */
export interface SectionProps {
  form: Form;
  saved: WidgetView;
  errors: Errors;
  saving: boolean;
  update: (patch: Partial<Form>) => void;
  bind: <K extends FieldKey>(k: K) => FieldBinding<Form[K]>;
}
