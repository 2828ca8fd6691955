export { openMongoStore, type MongoStoreOptions } from './open.js';
export { migrateMongo, MONGO_MIGRATIONS } from './migrations.js';
