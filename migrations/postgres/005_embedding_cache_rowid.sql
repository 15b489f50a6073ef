-- SQLite's 005 moved embedding_cache from a WITHOUT ROWID b-tree to a rowid table (a storage layout of SQLite's
-- own). PostgreSQL's tables are heaps already (002): nothing to change. Kept so both version lists match.
SELECT 1;
