import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../src/config';
import { createApp } from '../../src/app';
import type { Driver } from '../../src/platform/db/database';
import { freshDatabase, type TestDatabase } from './database';

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    ...loadConfig({ NODE_ENV: 'test', DATA_DIR: 'memory://', BASE_URL: 'http://localhost:3000', LOG_LEVEL: 'silent' }),
    demo: false,
    jobsWorker: false,
    rateLimitPerMinute: 10_000,
    ...overrides,
  };
}

export interface TestApp {
  app: FastifyInstance;
  database: TestDatabase;
  config: Config;
  close(): Promise<void>;
}

/** The whole application on a fresh database of the given driver; the job runner is drained by hand. */
export async function buildTestApp(driver: Driver, overrides: Partial<Config> = {}): Promise<TestApp> {
  const database = await freshDatabase(driver);
  // Stored files (evidence attachments) go to a folder of this test's own, removed at the end.
  const ownDir = overrides.dataDir ? undefined : await mkdtemp(path.join(os.tmpdir(), 'waymark-test-'));
  const config = testConfig({ ...(ownDir ? { dataDir: ownDir } : {}), ...overrides });
  const app = await createApp(config, { database, logger: false });
  await app.ready();
  return {
    app,
    database,
    config,
    async close() {
      await app.close();
      await database.close();
      if (ownDir) await rm(ownDir, { recursive: true, force: true });
    },
  };
}
