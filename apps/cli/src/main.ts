import 'reflect-metadata';
import { checkpointCommand, exportCommand, importCommand, verifyCommand } from './audit.commands';
import { createUserCommand } from './create-user.command';
import { rebuildReadModelsCommand } from './rebuild-read-models.command';
import { seedDemoCommand } from './seed-demo.command';
import { tokenCommand } from './token.command';

const commands: Record<string, (argv: string[]) => Promise<void>> = {
  token: tokenCommand,
  'seed-demo': seedDemoCommand,
  'create-user': createUserCommand,
  'rebuild-read-models': rebuildReadModelsCommand,
  verify: verifyCommand,
  checkpoint: checkpointCommand,
  export: exportCommand,
  import: importCommand,
};

/** `npm run cli -- <command> [options]`: operator commands that run without the HTTP service. */
async function main(): Promise<void> {
  const [name, ...argv] = process.argv.slice(2);
  const command = commands[name ?? ''];
  if (!command) {
    process.stderr.write(`usage: npm run cli -- <${Object.keys(commands).join('|')}> [options]\n`);
    process.exit(2);
  }
  await command(argv);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
