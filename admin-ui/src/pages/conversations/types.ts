// Shapes of the chat admin API: the server's schemas (server/chat/schemas.ts), imported as types only.

export type {
  AnswerDebugView as AnswerDebug,
  ConversationDetail,
  ConversationList,
  ConversationRow,
  DebugChunk,
  Filter,
  MessageStatus,
  PromptMessage,
  RetrievedRef,
  SearchedQuery,
  SourceLink,
  StoredMessage,
} from '../../../../server/chat/schemas.js';
