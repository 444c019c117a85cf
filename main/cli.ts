// The command line: `launchwatch <command> [flags]`. Exit 0 clean, 1 flagged, 2 usage or input error.
import { pathToFileURL } from 'node:url';
import type { CommandIO } from './cli/scan-command';
import { HelpRequested, UsageError } from './cli/usage-error';
import { NotPossible } from './actions/not-possible';

const USAGE = `usage: launchwatch <command> [flags]
commands:
  scan     scan this machine or a capture (--replay); see "scan --help"
  web      the app's UI in a browser on 127.0.0.1 (live, or --replay <capture>)
  disable <label> [--yes]      disable a launch item (shows the steps, asks, journals, reversible)
  undo <action id | last>      put a disabled item back, byte for byte
  approve <label> [--note ..]  accept an item: quiet until its plist or program changes
  unapprove <label>            take an approval back
  actions                      what Launchwatch has done (the journal)
  review [--since <date|days>] launch items new or changed since then and not approved (history)
  fleet --osquery <log|dir|->  judge many Macs from osquery results (ECS NDJSON, HTML report)
  approvals export [<file>] | approvals import <file>   the approved inventory as JSON, for many Macs`;

export async function main(argv: string[], io: CommandIO): Promise<number> {
  const [command, ...rest] = argv;
  try {
    // Each command's code is loaded when it is asked for: a replay need not start the web server's,
    // the fleet's or the live readers' modules (the built bundle keeps them in chunks of their own).
    switch (command) {
      case 'scan':
        return await (await import('./cli/scan-command')).scanCommand(rest, io);
      case 'web':
        return await (await import('./cli/web-command')).webCommand(rest, io);
      case 'review':
        return await (await import('./cli/review-command')).reviewCommand(rest, io);
      case 'fleet':
        return await (await import('./cli/fleet-command')).fleetCommand(rest, io);
      case 'disable':
      case 'undo':
      case 'approve':
      case 'unapprove':
      case 'actions':
      case 'approvals':
        return await (await import('./cli/action-commands')).actionCommand(command, rest, io);
      case undefined:
      case 'help':
      case '--help':
        io.stdout(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}\n${USAGE}`);
    }
  } catch (error) {
    if (error instanceof HelpRequested) {
      io.stdout(`${error.message}\n`);
      return 0;
    }
    // A user's mistake, or an action that cannot be done as asked: a message, never a stack trace.
    if (error instanceof UsageError || error instanceof NotPossible) {
      io.stderr(`launchwatch: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

const isEntryPoint = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isEntryPoint) {
  const io: CommandIO = {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    stderrStream: process.stderr,
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`launchwatch: internal error: ${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 2;
    },
  );
}
