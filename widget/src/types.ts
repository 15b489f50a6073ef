// Types shared by the loader and the panel (type-only: nothing here ends up in a bundle).
import type { Strings } from './i18n.js';

export interface Source {
  title: string;
  url: string;
}
/** A Q&A entry the admin wrote, offered word for word when the bot cannot answer. */
export interface QaAnswer {
  question: string;
  answer: string;
}
/** "When the bot can't help": a page or an e-mail address (the widget builds the mailto: link). */
export interface Contact {
  label: string | null;
  url: string | null;
  email: string | null;
}

/** `GET /api/widget/config` (server/README.md, "Widget"). */
export interface WidgetConfig {
  botName: string;
  avatarUrl: string | null;
  primaryColor: string;
  position: 'bottom-right' | 'bottom-left' | string;
  welcomeMessage: string;
  suggestedQuestions: string[];
  disclosure: string;
  language: string;
  openOnLoad: boolean;
  strings: Partial<Strings> & Record<string, string>;
  contact?: Contact | null;
  /** "Talk to a person": when it is offered, the admin's consent text, and the form before the first question. */
  handoff?: { talkToPerson: 'never' | 'after_no_answer' | 'always'; consentText: string; preChatForm: boolean };
}

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
