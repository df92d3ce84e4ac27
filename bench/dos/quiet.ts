// Imported first by bench/dos/graphql.ts: request logs off before src/log.ts reads LOG_LEVEL.
process.env.LOG_LEVEL ??= 'silent';
export {};
