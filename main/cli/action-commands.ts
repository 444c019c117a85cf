// `disable`, `undo`, `approve`, `unapprove`, `actions`: the same planner, executor and journal as the app.
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { ApprovalError, readApprovalsFile } from '../actions/approvals-store';
import { writeFileAtomic } from '../actions/atomic-file';
import { actionServiceForThisMachine } from '../actions/machine-actions';
import { launchdDomainOf } from '../actions/launchd-domain';
import type { ActionService } from '../actions/action-service';
import { planText } from '../engine/actions/plan';
import { Analyzer } from '../engine/analyzer';
import { DEFAULT_SCAN_OPTIONS, type ItemResult } from '../engine/model';
import { safeTerminalText as safe } from '../engine/terminal-text';
import { liveReaderForThisMachine } from './live-scan';
import type { CommandIO } from './scan-command';
import { helpIfAsked, positiveNumber, UsageError } from './usage-error';

export interface ActionDeps {
  service?: ActionService;
  /** Answers the confirmation prompt (tests); default: the terminal. */
  confirm?: (question: string) => Promise<boolean>;
  isTTY?: boolean;
}

export async function actionCommand(
  command: string,
  argv: string[],
  io: CommandIO,
  deps: ActionDeps = {},
): Promise<number> {
  const service = deps.service ?? actionServiceForThisMachine();
  for (const outcome of await service.recover()) io.stderr(`${safe(outcome.message)}\n`);
  switch (command) {
    case 'disable':
      return disable(argv, io, service, deps);
    case 'undo': {
      const { positionals } = parse(argv, {}, 'undo <action id | last>');
      const id = positionals[0];
      if (!id) throw new UsageError('undo needs an action id, or "last" (see "actions")');
      const outcome = await service.undo(id);
      io.stdout(`${safe(outcome.message)}\n`);
      return outcome.ok ? 0 : 1;
    }
    case 'approve': {
      const { positionals, values } = parse(
        argv,
        { note: { type: 'string' }, 'cpu-up-to': { type: 'string' } },
        'approve <label> [--note <text>] [--cpu-up-to <percent of one core>]',
      );
      const limit =
        values['cpu-up-to'] === undefined ? undefined : positiveNumber('--cpu-up-to', values['cpu-up-to'] as string, 0);
      const result = await findItem(positionals[0]);
      const approval = service.approve(result, values.note as string | undefined, limit);
      io.stdout(
        limit === undefined
          ? `Approved ${safe(approval.label || approval.plistPath)}: it stays quiet until its plist or program changes.\n`
          : `Accepted the CPU of ${safe(approval.label || approval.plistPath)} up to ${limit}% of one core: every sign of mining still flags it.\n`,
      );
      return 0;
    }
    case 'unapprove': {
      const { positionals } = parse(argv, {}, 'unapprove <label>');
      const label = positionals[0];
      if (!label) throw new UsageError('unapprove needs a label');
      const removed = service.approvals.unapprove((a) => a.label === label || a.plistPath === label);
      io.stdout(
        removed.length > 0 ? `Removed the approval of ${safe(label)}.\n` : `${safe(label)} was not approved.\n`,
      );
      return removed.length > 0 ? 0 : 1;
    }
    case 'approvals': {
      const { positionals } = parse(argv, {}, 'approvals export [<file>] | approvals import <file>');
      const [verb, file] = positionals;
      if (verb === 'export') {
        const text = service.approvals.export();
        if (file) {
          try {
            writeFileAtomic(file, text, 0o644);
          } catch (error) {
            throw new UsageError(`approvals export ${file}: ${(error as Error).message}`);
          }
          io.stdout(`Wrote ${service.approvals.list().length} approvals to ${safe(file)}.\n`);
        } else io.stdout(text);
        return 0;
      }
      if (verb === 'import' && file) {
        try {
          const text = readApprovalsFile(file);
          if (text === undefined) throw new UsageError(`approvals import ${file}: no such file`);
          const outcome = service.approvals.import(text, file);
          io.stdout(`Imported ${outcome.count} approvals from ${safe(file)}.\n`);
          for (const note of outcome.notes) io.stdout(`note: ${safe(note)}\n`);
        } catch (error) {
          if (error instanceof ApprovalError) throw new UsageError(error.message);
          throw error;
        }
        return 0;
      }
      throw new UsageError('usage: launchwatch approvals export [<file>] | approvals import <file>');
    }
    case 'actions': {
      parse(argv, {}, 'actions');
      const records = service.actions();
      const damaged = service.damagedActions();
      if (records.length === 0 && damaged.length === 0) io.stdout('No actions yet.\n');
      for (const d of damaged) {
        const where = d.backup
          ? `${d.backup.heldByAdmin === true ? "the administrator's quarantine holds its file, with a copy in" : 'its quarantined copy'} ${d.backup.backupPath}, which belongs at ${d.backup.originalPath}; "launchwatch undo ${d.id}" puts it back${launchdDomainOf(d.backup.originalPath, 0) === undefined ? '' : ' and turns it on again'}`
          : 'it does not say where its file was';
        io.stdout(
          `${d.id}  ${'damaged'.padEnd(11)} ${safe(d.label ?? '')}\n    ${safe(`${d.path} cannot be read (${d.problem}); ${where}.`)}\n`,
        );
      }
      for (const r of records)
        io.stdout(
          `${r.id}  ${r.status.padEnd(11)} ${r.createdAt}  ${safe(r.plan.label || r.plan.plistPath)}\n${r.messages.map((m) => `    ${safe(m)}\n`).join('')}`,
        );
      return 0;
    }
    default:
      throw new UsageError(`unknown command ${command}`);
  }
}

async function disable(argv: string[], io: CommandIO, service: ActionService, deps: ActionDeps): Promise<number> {
  const { positionals, values } = parse(argv, { yes: { type: 'boolean', default: false } }, 'disable <label> [--yes]');
  const result = await findItem(positionals[0]);
  const outcome = service.plan(result);
  if (!outcome.ok) {
    io.stderr(`launchwatch: ${safe(outcome.refusal)}\n`);
    return 2;
  }
  const { plan } = outcome;
  io.stdout(planText(plan).split('\n').map(safe).join('\n'));
  if (!values.yes) {
    const tty = deps.isTTY ?? Boolean(process.stdin.isTTY);
    if (!deps.confirm && !tty) {
      service.cancelPlan(outcome.planId as string);
      throw new UsageError('no terminal to confirm on: pass --yes to disable without asking');
    }
    const confirm = deps.confirm ?? askOnTerminal;
    if (!(await confirm(`Disable ${plan.label || plan.plistPath}? [y/N] `))) {
      service.cancelPlan(outcome.planId as string);
      io.stdout('Nothing was changed.\n');
      return 0;
    }
  }
  const done = await service.approvePlan(outcome.planId as string);
  io.stdout(`${safe(done.message)}\nAction ${done.record.id}.\n`);
  return done.ok ? 0 : 1;
}

async function askOnTerminal(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

/** The item by label (or plist path) as this machine has it now, with its processes attributed. */
async function findItem(labelOrPath: string | undefined): Promise<ItemResult> {
  if (!labelOrPath) throw new UsageError('name the launch item by its label or plist path');
  const reader = await liveReaderForThisMachine();
  const inventory = await reader.readInventory();
  const analyzer = new Analyzer(inventory, DEFAULT_SCAN_OPTIONS);
  analyzer.addSample((await reader.readSample({ skipConnections: true })).sample);
  const matches = analyzer
    .result()
    .items.filter((i) => i.item.label === labelOrPath || i.item.plistPath === labelOrPath);
  if (matches.length === 0)
    throw new UsageError(`no launch item with the label or path ${JSON.stringify(labelOrPath)}`);
  if (matches.length > 1)
    throw new UsageError(
      `${matches.length} items have the label ${JSON.stringify(labelOrPath)}: name one by its plist path (${matches.map((m) => m.item.plistPath).join(', ')})`,
    );
  return matches[0] as ItemResult;
}

function parse(
  argv: string[],
  options: Record<string, { type: 'string' | 'boolean'; default?: boolean }>,
  usage: string,
) {
  helpIfAsked(argv, `usage: launchwatch ${usage}`);
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\nusage: launchwatch ${usage}`);
  }
}
