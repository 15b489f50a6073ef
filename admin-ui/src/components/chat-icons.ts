// Menu icons for the Chatbot, Widget, Conversations and Playground screens (24×24, filled with currentColor,
// holes by opposite winding), in the style of Icon.tsx, which spreads them into its PATHS.
export const CHAT_ICONS: Record<string, string> = {
  chatbot:
    'M11 2h2v3h5a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2V7a2 2 0 0 1 2-2h5zM8 9.5V13h2.5V9.5zm5.5 0V13H16V9.5zM8.5 15v1.5h7V15zM1 10h2v5H1zm20 0h2v5h-2z',
  widget: 'M3 3h18a1 1 0 0 1 1 1v16a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1zm1 4v12h16V7zm8 5h6v4h-2l-2 2v-2h-2z',
  conversations:
    'M3 3h12a1 1 0 0 1 1 1v8a1 1 0 0 1-1 1H8l-4 3v-3H3a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1zm15 5h3a1 1 0 0 1 1 1v8a1 1 0 0 1-1 1h-1v3l-4-3h-6a1 1 0 0 1-1-1v-2h7a2 2 0 0 0 2-2z',
  playground: 'M5 3h14a2 2 0 0 1 2 2v14a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm5 5v8l6-4z',
};
