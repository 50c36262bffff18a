import { NestFactory } from '@nestjs/core';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AccountCommands, ServiceSetup } from '@app/application';
import { ACCOUNT_ROLES, type AccountRole } from '@app/accounts';
import { createLogger, Directory, ensureJwtSecret, loadConfig, systemClock } from '@app/common';
import { EVENT_STORE, type EventStore } from '@app/event-store';
import { IdentityStore, PasswordHasher } from '@app/identity';
import { PlatformModule } from '@app/runtime';

const USAGE =
  'usage: npm run cli -- create-user --username <name> --name <full name> --role <admin|secretariat|committee|department|commune|auditor> ' +
  '[--department code] [--commune code] [--email address] [--password-stdin]';

/**
 * `npm run cli -- create-user …`: creates an account from a shell, as the administrator would
 * (the first administrator too, when the setup link is lost). The password is read from standard
 * input with --password-stdin, or else generated and printed once.
 */
export async function createUserCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      username: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      department: { type: 'string' },
      commune: { type: 'string' },
      email: { type: 'string' },
      'password-stdin': { type: 'boolean', default: false },
    },
  });
  if (!values.username || !values.name || !values.role) throw new Error(USAGE);
  if (!ACCOUNT_ROLES.includes(values.role as AccountRole)) throw new Error(`unknown role ${values.role}\n${USAGE}`);
  const password = values['password-stdin'] ? (await readStdin()).replace(/\r?\n$/, '') : randomBytes(12).toString('base64url');
  const config = loadConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
  ensureJwtSecret(config);
  const app = await NestFactory.createApplicationContext(
    PlatformModule.forRoot({ config, logger: createLogger(config.LOG_LEVEL) }),
    {
      logger: false,
    },
  );
  const identity = new IdentityStore(join(config.DATA_DIR, 'identity.sqlite'));
  try {
    const store = app.get<EventStore>(EVENT_STORE);
    const directory = app.get(Directory);
    if (values.department && !directory.hasDepartment(values.department))
      throw new Error(`unknown department ${values.department}`);
    if (values.commune && !directory.hasCommune(values.commune)) throw new Error(`unknown commune ${values.commune}`);
    const accounts = new AccountCommands(store, identity, new PasswordHasher(), systemClock);
    const actor = { sub: 'command-line', name: 'npm run cli -- create-user', role: 'system' as const };
    const account = await accounts.create(
      {
        username: values.username,
        name: values.name,
        email: values.email ?? null,
        placement: { role: values.role as AccountRole, department: values.department ?? null, commune: values.commune ?? null },
        password,
      },
      actor,
    );
    process.stdout.write(`created ${account.role} ${account.username} (${account.id})\n`);
    if (!values['password-stdin']) process.stdout.write(`password (shown once): ${password}\n`);
    // An administrator made here sets the service up (after its password is shown): the setup link stops working.
    const setup = new ServiceSetup(store, systemClock);
    if (account.role === 'admin' && !(await setup.complete((username) => accounts.byUsername(username)))) {
      await setup
        .markSetUp(account.username, { demo: false, by: 'command line' }, (username) => accounts.byUsername(username))
        // Set up meanwhile by the link: this administrator is one more, which is fine.
        .catch((error: unknown) => {
          if ((error as { code?: string }).code !== 'SETUP.DONE') throw error;
        });
      identity.issueSetupToken(Date.now());
    }
  } finally {
    identity.close();
    await app.close();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
