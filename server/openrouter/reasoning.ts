// The one place that decides the `reasoning` field of a chat request, from the model's catalog entry
// and the admin's "Enable reasoning" switch.
export interface ReasoningCapability {
  supported: boolean;
  mandatory: boolean;
  /** Descending, as the catalog lists them; null = every effort accepted. */
  efforts: string[] | null;
  defaultEffort: string | null;
  supportsMaxTokens: boolean;
}

export type ReasoningParam = { effort: string } | { enabled: true } | { max_tokens: number };

export const NO_REASONING: ReasoningCapability = { supported: false, mandatory: false, efforts: null, defaultEffort: null, supportsMaxTokens: false };

/** Anthropic-style budgets have a floor of 1024 tokens. */
const MIN_REASONING_BUDGET = 1024;

/**
 * Off (the default): as little thinking as the model allows, for fast replies: `minimal` where offered,
 * else the model's lowest effort (mandatory-reasoning models cannot go lower), nothing for models that
 * cannot reason. On: the model's own default level.
 */
export function reasoningParam(capability: ReasoningCapability | null | undefined, enabled: boolean): ReasoningParam | undefined {
  if (!capability?.supported) return undefined;
  if (enabled) return capability.defaultEffort ? { effort: capability.defaultEffort } : { enabled: true };
  const efforts = capability.efforts?.filter((e) => e !== 'none') ?? null;
  if (efforts === null || efforts.includes('minimal')) return { effort: 'minimal' };
  if (efforts.length > 0) return { effort: efforts[efforts.length - 1] };
  if (capability.supportsMaxTokens) return { max_tokens: MIN_REASONING_BUDGET };
  return { effort: 'minimal' };
}
