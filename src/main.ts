import { parseArgs } from 'node:util';
import { ConfigError, decideListen, loadConfig, type Config } from './config';
import { DatabaseInUseError, openDatabase, type Database } from './platform/db/database';
import { restoreBackupFile, writeBackupFile } from './platform/db/backup';
import type { FastifyInstance } from 'fastify';
import { createApp } from './app';
import { printableMessage } from './platform/mail/mailer';
import { demoAccounts } from './features/demo/seed';
import fs from 'node:fs';
import { FORMATS, type Format } from './features/frameworks/model';
import { detectFormat, MAX_IMPORT_BYTES } from './features/frameworks/service';
import { refuse } from './cli/command-error';
import { delphiCommand } from './cli/delphi';
import { irrCommand } from './cli/irr';

export { CommandError } from './cli/command-error';

const USAGE = `Usage: waymark <command> [options]

Commands:
  serve                          Migrate, seed demo data on a new database (not in production) and serve
  migrate                        Apply database migrations
  seed --demo                    Create the demo programme and one account per role
  admin create --email EMAIL [--name NAME] [--password PASSWORD]
                                 Create a platform admin (without --password, prints a set-password link)
  framework list                 One line per framework version: id, short name, version, status
  framework import FILE [--format case|csv|json]
                                 Import a framework file (a known framework gets a new version)
  framework export ID --format case|csv|json [--out FILE]
                                 Export a version (ID is a version id, or SHORTNAME@VERSION)
  delphi analyse RESPONSES.csv [--rule comet|comet:70:15|percent:75|median-iqr:7:1|rand-ucla]
         [--scale 1-9|1-5] [--by-group] [--every-group] [--previous PREVIOUS.csv] [--quartiles 7|6]
                                 Analyse a Delphi round (CSV: panellist,group,item,rating) and print JSON
  irr CODINGS.csv [--level nominal|ordinal|interval|ratio] [--multi]
                                 Inter-rater reliability (CSV: unit,coder,value; with --multi unit,coder,code) as JSON
  mail show ID                   Print an outbox message as its recipient gets it, secret links included
  backup --out FILE              Write every row of every table to FILE (gzipped JSON)
  restore FILE                   Replace all data with the backup in FILE

Configuration comes from environment variables: see .env.example and the README.`;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

/** What a command runs on: tests pass their own configuration and an open, migrated database. */
export interface CommandDeps {
  config?: Config;
  database?: Database;
}

/** Opens the configured database; an embedded one held by a running server is refused with a message, not a stack trace. */
async function open(config: Config): Promise<Database> {
  try {
    return await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolSize: config.databasePoolSize });
  } catch (err) {
    if (err instanceof DatabaseInUseError) refuse(err.message);
    throw err;
  }
}

async function withDatabase<T>(config: Config, work: (database: Database) => Promise<T>, given?: Database): Promise<T> {
  if (given) return work(given);
  const database = await open(config);
  try {
    await database.migrate();
    return await work(database);
  } finally {
    await database.close();
  }
}

/** The app on the database, without the job worker, for one command; closed afterwards whatever happens. */
async function withApp<T>(config: Config, work: (app: FastifyInstance) => Promise<T>, given?: Database): Promise<T> {
  return withDatabase(
    config,
    async (database) => {
      const app = await createApp({ ...config, jobsWorker: false }, { database, logger: false });
      try {
        return await work(app);
      } finally {
        await app.close();
      }
    },
    given,
  );
}

async function serve(config: Config) {
  const started = Date.now();
  const database = await open(config);
  await database.migrate();
  const app = await createApp(config, { database });
  // A throw left in a callback somewhere must not end every other request: log it and go on serving.
  process.on('unhandledRejection', (err) => app.log.error({ err }, 'unhandled rejection'));
  for (const warning of config.warnings) app.log.warn(warning);
  await app.services.guides.ensureShipped();
  const seeding = config.demo && (await app.services.accounts.countUsers()) === 0;
  const demoPresent = async () =>
    (await Promise.all(demoAccounts().map((a) => app.services.accounts.findUserByEmail(a.email)))).some(Boolean);
  const listen = decideListen(config, seeding || (await demoPresent()));
  if (!listen.ok) {
    await app.close();
    await database.close();
    fail(listen.message);
  }
  if (seeding) {
    await app.services.seedDemo();
    app.log.info('Demo data loaded: the sign-in page lists the demo accounts');
  }
  app.log.info(listen.message);
  await app.listen({ port: config.port, host: listen.host });
  app.log.info(
    { driver: database.driver, startupMs: Date.now() - started, url: config.baseUrl },
    `Waymark is ready at ${config.baseUrl}`,
  );

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing requests in progress');
    const timer = setTimeout(() => fail('shutdown took longer than 20 s; stopping anyway'), 20_000);
    timer.unref();
    try {
      await app.close();
      await database.close();
      process.exit(0);
    } catch (err) {
      app.log.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

async function frameworkCommand(config: Config, args: string[], given?: Database) {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { format: { type: 'string' }, out: { type: 'string' } },
  });
  const format = values.format;
  if (format !== undefined && !(FORMATS as readonly string[]).includes(format))
    refuse(`--format must be one of ${FORMATS.join(', ')}`);
  await withApp(
    config,
    async (app) => {
      const frameworks = app.services.frameworks;
      if (sub === 'list') {
        for (const v of await frameworks.allVersions())
          process.stdout.write(`${v.id}\t${v.shortName}\t${v.label}\t${v.status}\n`);
      } else if (sub === 'import') {
        const file = positionals[0];
        if (!file) refuse('Usage: waymark framework import FILE [--format case|csv|json]');
        let text: string;
        try {
          text = fs.readFileSync(file, 'utf8');
        } catch (err) {
          refuse(`Could not read ${file}: ${(err as Error).message}`);
        }
        if (Buffer.byteLength(text) > MAX_IMPORT_BYTES)
          refuse(`${file} is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB`);
        const preview = await frameworks.preview((format as Format | undefined) ?? detectFormat(file, text), text);
        if (!preview.ok)
          refuse(
            `Nothing was imported. ${file} has ${preview.problems.length} problem(s):\n${preview.problems.map((p) => `  ${p.where}: ${p.message}`).join('\n')}`,
          );
        const version = await frameworks.importDoc(preview.doc, null, { actorId: null, actorLabel: 'command line' });
        process.stdout.write(
          `Imported ${preview.doc.framework.shortName} version ${version.label} (${version.status}) as ${version.id}: ${preview.doc.items.length} items.\n`,
        );
      } else if (sub === 'export') {
        const id = positionals[0];
        if (!id || !format) refuse('Usage: waymark framework export ID --format case|csv|json [--out FILE]');
        const [shortName, label] = id.includes('@') ? id.split('@') : [undefined, undefined];
        const version = shortName
          ? (await frameworks.find(shortName, label, true))?.version
          : /^[0-9a-f-]{36}$/i.test(id)
            ? await frameworks.findVersionById(id)
            : undefined;
        if (!version) refuse(`No framework version ${id}. Run "waymark framework list" to see them.`);
        const text = await frameworks.serialise(await frameworks.docOf(version), format as Format);
        if (values.out) fs.writeFileSync(values.out, text);
        else process.stdout.write(text);
      } else {
        refuse('Usage: waymark framework list | import FILE [--format …] | export ID --format … [--out FILE]');
      }
    },
    given,
  );
}

export async function main(argv: string[], deps: CommandDeps = {}): Promise<void> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  // The analysis commands need no database or configuration.
  if (command === 'delphi') return delphiCommand(rest);
  if (command === 'irr') return irrCommand(rest);
  let config: Config;
  try {
    config = deps.config ?? loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) refuse(err.message);
    throw err;
  }

  switch (command) {
    case 'serve':
      return serve(config);
    case 'migrate':
      await withDatabase(config, async () => undefined, deps.database);
      process.stdout.write('Migrations applied.\n');
      return;
    case 'seed': {
      const { values } = parseArgs({ args: rest, options: { demo: { type: 'boolean' } } });
      if (!values.demo) refuse('Say what to seed: waymark seed --demo');
      if (config.isProduction) refuse('Demo data is never seeded when NODE_ENV=production.');
      await withApp(
        config,
        async (app) => {
          const created = await app.services.seedDemo();
          await app.platform.jobs.runDue();
          process.stdout.write(created ? 'Demo data created.\n' : 'Demo data was already there; nothing changed.\n');
        },
        deps.database,
      );
      return;
    }
    case 'admin': {
      const [sub, ...args] = rest;
      if (sub !== 'create') refuse('Usage: waymark admin create --email EMAIL [--name NAME] [--password PASSWORD]');
      const { values } = parseArgs({
        args,
        options: { email: { type: 'string' }, name: { type: 'string' }, password: { type: 'string' } },
      });
      if (!values.email) refuse('Give the new admin an email address: --email someone@example.nhs.uk');
      await withApp(
        config,
        async (app) => {
          try {
            const result = await app.services.accounts.createAdmin({
              email: values.email!,
              name: values.name,
              password: values.password,
            });
            process.stdout.write(`Admin ${result.email} created.\n`);
            if (result.link)
              process.stdout.write(`Open this link within 24 hours to choose a password:\n${result.link}\n`);
          } catch (err) {
            refuse(err instanceof Error ? err.message : String(err));
          }
        },
        deps.database,
      );
      return;
    }
    case 'mail': {
      const [sub, id] = rest;
      if (sub !== 'show' || !id)
        refuse("Usage: waymark mail show ID (the ID ends the message's address in the admin outbox)");
      await withApp(
        config,
        async (app) => {
          const text = await printableMessage(app.platform.mailer, app.platform.db, id);
          if (text === undefined) refuse(`There is no message ${id} in the outbox`);
          process.stdout.write(text);
        },
        deps.database,
      );
      return;
    }
    case 'framework':
      return frameworkCommand(config, rest, deps.database);
    case 'backup': {
      const { values } = parseArgs({ args: rest, options: { out: { type: 'string' } } });
      if (!values.out) refuse('Say where to write the backup: waymark backup --out FILE');
      await withDatabase(
        config,
        async (database) => {
          const counts = await writeBackupFile(database.db, values.out!);
          const rows = Object.values(counts).reduce((a, b) => a + b, 0);
          process.stdout.write(
            `Backup written to ${values.out}: ${Object.keys(counts).length} tables, ${rows} rows.\n`,
          );
        },
        deps.database,
      );
      return;
    }
    case 'restore': {
      const file = rest[0];
      if (!file) refuse('Say which backup to restore: waymark restore FILE');
      if (!fs.existsSync(file)) refuse(`Could not read ${file}: there is no such file`);
      await withDatabase(
        config,
        async (database) => {
          try {
            const counts = await restoreBackupFile(database.db, file);
            const rows = Object.values(counts).reduce((a, b) => a + b, 0);
            process.stdout.write(`Restored ${rows} rows into ${Object.keys(counts).length} tables.\n`);
          } catch (err) {
            refuse(`Restore failed; nothing was changed. ${err instanceof Error ? err.message : String(err)}`);
          }
        },
        deps.database,
      );
      return;
    }
    default:
      refuse(`Unknown command "${command}".\n\n${USAGE}`);
  }
}
