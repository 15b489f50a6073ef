// Transitional: the vector SQL moved to server/stores/sqlite/vector-store.ts (services use app.stores.vectors).
// These re-exports keep the files other storage-seam branches are moving (documents, training stats and routes,
// train-now, backup, insights) compiling until they call the VectorStore or their own SQLite store; delete this
// file once nothing imports it.
export type { EmbeddingSpace, VectorHit, VectorIndex } from '../stores/vector-store.js';
export { indexKeySecret } from '../stores/vector-store.js';
export {
  activateIndex,
  activeIndex,
  buildingIndex,
  cachedVector,
  cacheVector,
  chunksMissingVectors,
  clearVectors,
  countVectors,
  createBuildingIndex,
  deleteVectors,
  dropIndex,
  ensureActiveIndex,
  forgetCachedVectors,
  fromBlob,
  indexById,
  indexesOn,
  insertVectors,
  searchVectors,
  setDimensions,
  similarities,
  toBlob,
} from '../stores/sqlite/vector-store.js';
