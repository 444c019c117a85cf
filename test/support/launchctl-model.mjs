#!/usr/bin/env node
// A stateful model of `launchctl` for the tests: what a real Mac's launchd answers, failures and delays
// included, so the executor is proved against launchd as it behaves and not against a shim that always
// says yes. State lives in the JSON file named by LW_LAUNCHD_STATE (see launchd-model.ts); every call is
// logged there too. Each behaviour names the public report or manual page it comes from.
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { parse as parsePlist } from 'plist';

const statePath = process.env.LW_LAUNCHD_STATE;
if (!statePath) {
  process.stderr.write('launchctl model: LW_LAUNCHD_STATE is not set\n');
  process.exit(70);
}
// launchd answers one request at a time: calls from two processes (a helper cut loose by a kill, and
// the recovery after it) never interleave their changes.
const lock = `${statePath}.lock`;
for (const started = Date.now(); ;) {
  try {
    mkdirSync(lock);
    break;
  } catch {
    if (Date.now() - started > 10_000) {
      process.stderr.write('launchctl model: state is locked\n');
      process.exit(70);
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
  }
}
const state = JSON.parse(readFileSync(statePath, 'utf8'));
const now = Date.now();
const asRoot = process.env.LW_MODEL_ROOT === '1';
const [verb = '', ...args] = process.argv.slice(2);
state.calls.push({ argv: [verb, ...args], root: asRoot, at: now });

// A service still exiting after a bootout is gone once its time is up (osquery/osquery#5698: "the
// Daemon does successfully stop" although bootout said 36).
for (const domain of Object.values(state.domains)) {
  for (const [label, service] of Object.entries(domain)) {
    if (service.exitingUntil !== undefined && service.exitingUntil <= now) {
      delete domain[label];
      state.bootedOutAt[service.target] = service.exitingUntil;
    }
  }
}

let code = 0;
const out = (text) => process.stdout.write(text);
const err = (text) => process.stderr.write(text);

function splitTarget(target) {
  const at = target.lastIndexOf('/');
  return at < 0 ? [target, ''] : [target.slice(0, at), target.slice(at + 1)];
}

/** launchctl(1): "system/[service-name] ... root privileges are required to make modifications." */
function mayModify(domain) {
  return domain !== 'system' || asRoot;
}

function domainName(domain) {
  // "Could not find service "x" in domain for user gui: 501" (TOSS-Soft/toss-agent-runtime#40) and
  // "... in domain for system" (NixOS/nix#6499).
  return domain === 'system' ? 'system' : `user gui: ${domain.slice('gui/'.length)}`;
}

function labelOf(path) {
  try {
    return parsePlist(readFileSync(path, 'utf8')).Label;
  } catch {
    return undefined;
  }
}

switch (verb) {
  case 'bootout': {
    const [domain, label] = splitTarget(args[0] ?? '');
    const service = state.domains[domain]?.[label];
    if (!mayModify(domain)) {
      // Seen verbatim for `launchctl bootout system/<label>` run without root (a public write-up on
      // removing a system extension, search index file 52805308758).
      err('Boot-out failed: 1: Operation not permitted\n');
      code = 1;
    } else if (!service) {
      // DeterminateSystems/nix-installer#1148: "Boot-out failed: 3: No such process" (status 3).
      err('Boot-out failed: 3: No such process\n');
      code = 3;
    } else if (service.exitingUntil !== undefined) {
      // Still exiting from the last bootout: launchd answers the same way again.
      err('Boot-out failed: 36: Operation now in progress\n');
      code = 36;
    } else if (state.slowExitMs[label] !== undefined) {
      // osquery/osquery#5698: "Boot-out failed: 36: Operation now in progress", and the service stops.
      service.exitingUntil = now + state.slowExitMs[label];
      service.target = `${domain}/${label}`;
      err('Boot-out failed: 36: Operation now in progress\n');
      code = 36;
    } else {
      delete state.domains[domain][label];
      state.bootedOutAt[`${domain}/${label}`] = now;
    }
    break;
  }
  case 'bootstrap': {
    const [domain = '', path = ''] = args;
    const label = existsSync(path) ? labelOf(path) : undefined;
    const target = `${domain}/${label}`;
    const settling =
      state.bootedOutAt[target] !== undefined && now - state.bootedOutAt[target] < state.bootstrapSettleMs;
    if (!mayModify(domain)) {
      // No public sample of this exact line was found: the same errno in bootstrap's own "Bootstrap
      // failed: <n>: <text>" form (see the 5 and 119 answers below).
      err('Bootstrap failed: 1: Operation not permitted\n');
      code = 1;
    } else if (label === undefined) {
      // launchctl(1): bootstrap loads "the specified service paths"; an unreadable one is an I/O error.
      err('Bootstrap failed: 5: Input/output error\nTry re-running the command as root for richer errors.\n');
      code = 5;
    } else if (state.disabled[domain]?.[label] === true) {
      // DeterminateSystems/nix-installer#530: "<path>: Service is disabled" / "Bootstrap failed: 119".
      err(`${path}: Service is disabled\nBootstrap failed: 119: Service is disabled\n`);
      code = 119;
    } else if (state.domains[domain]?.[label] || settling) {
      // Already loaded, or within seconds of a bootout while launchd releases the label: EIO
      // (headroomlabs-ai/headroom#1289: ~5 s of "Bootstrap failed: 5"; openclaw/openclaw#136453;
      // haimgel/display-switch#85: "This usually happens if you already have it running").
      err('Bootstrap failed: 5: Input/output error\nTry re-running the command as root for richer errors.\n');
      code = 5;
    } else {
      state.domains[domain] ??= {};
      state.domains[domain][label] = { path, pid: state.nextPid++ };
    }
    break;
  }
  case 'print': {
    const [domain, label] = splitTarget(args[0] ?? '');
    const service = state.domains[domain]?.[label];
    if (!service) {
      // TOSS-Soft/toss-agent-runtime#40: exit 113, "Bad request." then "Could not find service ...".
      err(`Bad request.\nCould not find service "${label}" in domain for ${domainName(domain)}\n`);
      code = 113;
    } else {
      // The shape of `launchctl print <service-target>` (DeterminateSystems/nix-installer#1187):
      // "<target> = {", tab-indented "key = value" lines, "}".
      out(
        `${domain}/${label} = {\n\tactive count = 1\n\tpath = ${service.path}\n\ttype = ${domain === 'system' ? 'LaunchDaemon' : 'LaunchAgent'}\n\tstate = running\n\n\tpid = ${service.pid}\n}\n`,
      );
    }
    break;
  }
  case 'enable':
  case 'disable': {
    const [domain, label] = splitTarget(args[0] ?? '');
    if (!mayModify(domain)) {
      // No public sample of this wording was found; the executor only relies on the non-zero status.
      err(`Could not ${verb} service: 1: Operation not permitted\n`);
      code = 1;
    } else {
      // launchctl(1): the override persists across boots and applies whether or not the service is loaded.
      state.disabled[domain] ??= {};
      state.disabled[domain][label] = verb === 'disable';
    }
    break;
  }
  case 'print-disabled': {
    const domain = args[0] ?? '';
    // Both forms seen in public output: `=> true` (older) and `=> disabled` (DeterminateSystems/nix-installer#555).
    const lines = Object.entries(state.disabled[domain] ?? {}).map(([label, disabled]) =>
      state.printDisabledForm === 'words'
        ? `\t\t"${label}" => ${disabled ? 'disabled' : 'enabled'}`
        : `\t\t"${label}" => ${disabled}`,
    );
    out(`\tdisabled services = {\n${lines.join('\n')}\n\t}\n`);
    break;
  }
  default:
    // BackgroundMusic#169: "Unrecognized subcommand: unbootstrap" then the usage.
    err(`Unrecognized subcommand: ${verb}\nUsage: launchctl <subcommand> ... | help [subcommand]\n`);
    code = 64;
}

writeFileSync(statePath, JSON.stringify(state, null, 2));
rmdirSync(lock);
process.exit(code);
