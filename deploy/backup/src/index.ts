export { backup, type Manifest } from "./backup.js";
export { restore, type Restored } from "./restore.js";
export { readConfig, type Config } from "./config.js";
export { scopeOf, restoredOffset, offsetsKept, type Scope } from "./scope.js";
export { collectionsOf, documentsOf, platformDatabases } from "./mongo.js";
export { platformKeys } from "./redis.js";
