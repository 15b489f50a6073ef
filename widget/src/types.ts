// Types shared by the loader and the panel (type-only: nothing here ends up in a bundle).
import type { Strings } from './i18n.js';

export type { Contact, VisitorSource as Source } from '../../server/widget/schemas.js';
import type { WidgetConfig as ServedConfig } from '../../server/widget/schemas.js';

/** A Q&A entry the admin wrote, offered word for word when the bot cannot answer. */
export interface QaAnswer {
  question: string;
  answer: string;
}

/** `GET /api/widget/config`, with the interface strings the admin overrides typed by the widget's own table. */
export type WidgetConfig = Omit<ServedConfig, 'strings'> & { strings: Partial<Strings> & Record<string, string> };

export interface Store {
  get(key: string): string | null;
  set(key: string, value: string): void;
  del(key: string): void;
}

export type EventName = 'open' | 'close' | 'message' | 'error';

/** What the loader hands to the panel when it mounts it. */
export interface Ctx {
  /** Server origin, e.g. https://docent.example.com */
  api: string;
  cfg: WidgetConfig;
  /** Resolved interface language: one of the i18n table's codes. */
  lang: string;
  left: boolean;
  root: ShadowRoot;
  store: Store;
  css(text: string): void;
  emit(name: EventName, data?: unknown): void;
  /** Close through the loader (shows the launcher again, emits 'close', returns focus). */
  close(): void;
}

/** The panel's controls, returned by its mount function. */
export interface Panel {
  open(focus: boolean): void;
  close(): void;
  reset(): void;
}

export type Mount = (ctx: Ctx) => Panel;
