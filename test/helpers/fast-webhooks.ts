// Imported first by webhook tests: retries and polls in fractions of a second instead of seconds.
process.env.WEBHOOK_RETRY_BASE_MS ??= '200';
process.env.WEBHOOK_MAX_ATTEMPTS ??= '4';
process.env.JOBS_POLL_MS ??= '100';
