// Widget look and reach, edited on the Widget screen.
import { z } from 'zod';
import type { ConfigStore } from '../stores/config-store.js';
import { readSection, writeSection } from '../settings/store.js';

const domainEntry = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(https?:\/\/)?(\*\.)?[a-z0-9.-]+(:\d+)?\/?$/, 'Enter domains like example.com, *.example.com or https://shop.example.com.')
  .transform((d) => d.replace(/\/$/, ''));

export const WidgetSettings = z.object({
  botName: z.string().trim().min(1, 'Enter a name for the bot.').max(60).default('Assistant'),
  avatarUrl: z
    .union([z.url({ message: 'The avatar must be an http(s) image URL.' }).regex(/^https?:\/\//, 'The avatar must be an http(s) image URL.'), z.literal('')])
    .nullable()
    .default(null)
    .transform((v) => v || null),
  primaryColor: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'Use a colour like #2271b1.')
    .default('#2271b1'),
  position: z.enum(['bottom-right', 'bottom-left'], { message: 'Choose bottom right or bottom left.' }).default('bottom-right'),
  welcomeMessage: z.string().trim().max(500).default('Hi! Ask me anything about this site.'),
  suggestedQuestions: z
    .array(z.string().trim().min(1).max(120, 'Keep suggested questions under 120 characters.'))
    .max(6, 'Offer at most 6 suggested questions.')
    .default([]),
  disclosure: z.string().trim().max(200).default('AI-generated answers. Check important information.'),
  language: z
    .string()
    .regex(/^(auto|[a-z]{2})$/, 'Choose automatic or a two-letter language code.')
    .default('auto'),
  openOnLoad: z.boolean().default(false),
  /** Sites allowed to embed the widget. Empty = any site (until the admin sets a list). */
  allowedDomains: z.array(domainEntry).max(100, 'List at most 100 domains.').default([]),
});
export type WidgetSettings = z.output<typeof WidgetSettings>;

/** The stored shape, as responses send it (the input schema's transforms only run one way). */
export const WidgetSettingsView = z.object({
  botName: z.string(),
  avatarUrl: z.string().nullable(),
  primaryColor: z.string(),
  position: z.enum(['bottom-right', 'bottom-left']),
  welcomeMessage: z.string(),
  suggestedQuestions: z.array(z.string()),
  disclosure: z.string(),
  language: z.string(),
  openOnLoad: z.boolean(),
  allowedDomains: z.array(z.string()),
});

export { VisitorId } from './visitor.js';

export const readWidgetSettings = (store: ConfigStore) => readSection(store, 'widget', WidgetSettings);
export const writeWidgetSettings = (store: ConfigStore, value: z.input<typeof WidgetSettings>) => writeSection(store, 'widget', WidgetSettings, value);

/** Whether a page at `origin` may use the widget under the admin's list (Docent's own page is decided apart). */
export function originAllowed(origin: string | null, allowed: string[]): boolean {
  if (allowed.length === 0) return true;
  if (!origin) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  const host = url.hostname.toLowerCase();
  return allowed.some((entry) => {
    if (/^https?:\/\//.test(entry)) return entry === url.origin;
    const [pattern, port] = entry.split(':');
    if (port && port !== url.port) return false;
    if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1));
    return host === pattern || host === `www.${pattern}`;
  });
}
