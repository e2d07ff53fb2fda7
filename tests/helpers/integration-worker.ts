import { workerDatabaseUrl } from "./worker-databases";

// The first integration setup file, before anything reads lib/env: this worker's own copy of the
// suite's database (tests/helpers/worker-databases.ts). The suite's URLs are kept, for a worker
// process that runs several files.
const suite = process.env.TEST_SUITE_DATABASE_URL ?? process.env.DATABASE_URL ?? "";
const suiteDirect = process.env.TEST_SUITE_DIRECT_DATABASE_URL ?? process.env.DIRECT_DATABASE_URL ?? "";
process.env.TEST_SUITE_DATABASE_URL = suite;
process.env.TEST_SUITE_DIRECT_DATABASE_URL = suiteDirect;
const worker = process.env.VITEST_POOL_ID ?? "1";
process.env.DATABASE_URL = workerDatabaseUrl(suite, worker);
if (suiteDirect) process.env.DIRECT_DATABASE_URL = workerDatabaseUrl(suiteDirect, worker);
