// Chat: conversations and their messages (and what is counted from them).

export interface ChatStore {
  /** The newest widget conversation started from a page on another origin than `ownOrigin`. */
  latestWidgetVisit(ownOrigin: string): Promise<{ origin: string; at: string } | null>;
}
