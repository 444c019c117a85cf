// `~` in a job's command line is the HOME launchd gives the job (launchd core.c, job_postfork_become_user and
// job_setup_attributes; bash(1), Tilde Expansion), not the scanning user's: a daemon's `~/.x/config.json` is
// root's file, and a plist that sets EnvironmentVariables.HOME moves `~` where it says.
import { describe, expect, it } from 'vitest';
import { replay } from '../../main/cli/scan-command';
import { homeOfJob, ROOT_HOME, workingDirectoryOf } from '../../main/engine/job-home';
import { DEFAULT_SCAN_OPTIONS, type LaunchItem } from '../../main/engine/model';
import { reasonsOf, writeCapture, type CaptureSpec } from '../support/capture-builder';
import { launchAgent } from '../support/launch-items';

const alice = { name: 'alice', uid: 501, home: '/Users/alice' };

const job = (fields: Partial<LaunchItem>): LaunchItem => launchAgent(fields.plistPath ?? '/x.plist', 'x', fields);

describe("the home a job's ~ means", () => {
  it('is root for a daemon, the plist folder owner for a user agent, the logged-in user for a global one', () => {
    const daemon = { kind: 'LaunchDaemon' as const, scope: 'system' as const };
    expect(homeOfJob(job({ ...daemon, plistPath: '/Library/LaunchDaemons/a.plist' }), alice)).toBe(ROOT_HOME);
    expect(homeOfJob(job({ ...daemon, plistPath: '/Library/LaunchDaemons/a.plist', userName: 'root' }), alice)).toBe(
      ROOT_HOME,
    );
    expect(homeOfJob(job({ ...daemon, plistPath: '/Library/LaunchDaemons/a.plist', userName: 'alice' }), alice)).toBe(
      '/Users/alice',
    );
    // Another user's home is in their password entry, which this scan did not read: unknown, not guessed.
    expect(
      homeOfJob(job({ ...daemon, plistPath: '/Library/LaunchDaemons/a.plist', userName: '_www' }), alice),
    ).toBeUndefined();
    expect(homeOfJob(job({ plistPath: '/Users/bob/Library/LaunchAgents/b.plist' }), alice)).toBe('/Users/bob');
    expect(homeOfJob(job({ plistPath: '/Library/LaunchAgents/g.plist', scope: 'system' }), alice)).toBe('/Users/alice');
    expect(
      homeOfJob(
        job({ plistPath: '/Applications/X.app/Contents/Library/LaunchAgents/x.plist', scope: 'app-bundle' }),
        alice,
      ),
    ).toBe('/Users/alice');
    // A systemd unit's home is the one its reader worked out from User= and the manager (unknown stays unknown);
    // an autostart entry's is the session user's.
    const unit = { kind: 'systemd-service' as const, plistPath: '/etc/systemd/system/x.service' };
    expect(homeOfJob(job({ ...unit, home: '/srv/bob' }), alice)).toBe('/srv/bob');
    expect(homeOfJob(job(unit), alice)).toBeUndefined();
    expect(homeOfJob(job({ kind: 'autostart', plistPath: '/etc/xdg/autostart/x.desktop' }), alice)).toBe(
      '/Users/alice',
    );
  });

  it('EnvironmentVariables.HOME wins when it is an absolute path; anything else in it is ignored', () => {
    const withHome = (home: unknown): LaunchItem =>
      job({
        kind: 'LaunchDaemon',
        scope: 'system',
        plistPath: '/Library/LaunchDaemons/a.plist',
        content: { EnvironmentVariables: { HOME: home } },
      });
    expect(homeOfJob(withHome('/Library/Application Support/.x//'), alice)).toBe('/Library/Application Support/.x');
    expect(homeOfJob(withHome('/'), alice)).toBe('/');
    expect(homeOfJob(withHome('relative'), alice)).toBe(ROOT_HOME);
    expect(homeOfJob(withHome(7), alice)).toBe(ROOT_HOME);
    // A long run of slashes costs a loop, not a backtracking regular expression.
    expect(homeOfJob(withHome(`/a${'/'.repeat(100_000)}`), alice)).toBe('/a');
  });

  it("a daemon's ~/.x/config.json is read as root's, not the scanning user's, and its pool is evidence", async () => {
    const spec: CaptureSpec = {
      items: [
        {
          path: '/Library/LaunchDaemons/com.x.helper.plist',
          plist: {
            Label: 'com.x.helper',
            ProgramArguments: ['/bin/sh', '-c', '~/.x/kworker -c ~/.x/config.json'],
            RunAtLoad: true,
          },
        },
        {
          // The same words in an agent whose plist moves HOME: its `~` is that folder.
          path: '/Users/alice/Library/LaunchAgents/com.y.helper.plist',
          plist: {
            Label: 'com.y.helper',
            ProgramArguments: ['/bin/sh', '-c', '~/kworker -c ~/config.json'],
            EnvironmentVariables: { HOME: '/Users/Shared/.y' },
            RunAtLoad: true,
          },
        },
      ],
      processes: [
        { pid: 1, ppid: 0, uid: 0, args: '/sbin/launchd', cpu: 0.5 },
        // The agent's miner, detached (now launchd's child): the program its moved `~` names ties it back.
        { pid: 900, ppid: 1, uid: 501, args: '/Users/Shared/.y/kworker -c /Users/Shared/.y/config.json', cpu: 0.9 },
      ],
      files: {
        '/var/root/.x/config.json': '{"pools":[{"url":"pool.supportxmr.com:443"}]}',
        '/Users/Shared/.y/config.json': '{"pools":[{"url":"gulf.moneroocean.stream:10128"}]}',
        // What the scanning user's home holds under those names is no evidence about either job.
        '/Users/alice/.x/config.json': '{"pools":[{"url":"xmr-eu1.nanopool.org:14433"}]}',
        '/Users/alice/config.json': '{"pools":[{"url":"xmr-eu1.nanopool.org:14433"}]}',
      },
    };
    const result = await replay(writeCapture(spec), DEFAULT_SCAN_OPTIONS);
    const reasons = (label: string) => reasonsOf(result, label);
    expect(reasons('com.x.helper')).toContain('pool.supportxmr.com (SupportXMR, file /var/root/.x/config.json)');
    expect(reasons('com.x.helper')).toContain('runs /var/root/.x/kworker');
    expect(reasons('com.y.helper')).toContain('file /Users/Shared/.y/config.json');
    expect(reasons('com.y.helper')).toContain('runs /Users/Shared/.y/kworker from a hidden or temporary folder');
    const agent = result.items.find((i) => i.item.label === 'com.y.helper');
    expect(agent?.attribution).toBe('detached-program');
    expect(agent?.processes.map((p) => p.pid)).toEqual([900]);
    expect(reasons('com.x.helper') + reasons('com.y.helper')).not.toContain('nanopool');
  });

  it("a relative config is the one in the job's WorkingDirectory (launchd.plist(5)), or in a folder it cd-s to", async () => {
    const wd = (value: unknown, kind: LaunchItem['kind'] = 'LaunchDaemon'): string =>
      workingDirectoryOf(job({ kind, content: { WorkingDirectory: value } }));
    expect(wd('/Library/Application Support/.w//')).toBe('/Library/Application Support/.w');
    expect(wd('relative')).toBe('/');
    expect(wd(['/x'])).toBe('/');
    // A Linux item's folder is the one its reader resolved, not a plist key.
    expect(wd('/x', 'systemd-service')).toBe('/');
    expect(workingDirectoryOf(job({ kind: 'systemd-service', workingDirectory: '/srv/.w/' }))).toBe('/srv/.w');
    expect(workingDirectoryOf(job({ kind: 'autostart', workingDirectory: 'rel' }))).toBe('/');
    expect(workingDirectoryOf(job({ content: {} }))).toBe('/');

    const result = await replay(
      writeCapture({
        items: [
          {
            path: '/Library/LaunchDaemons/com.w.helper.plist',
            plist: {
              Label: 'com.w.helper',
              ProgramArguments: ['/Library/Application Support/.w/kworker', '-c', 'config.json'],
              WorkingDirectory: '/Library/Application Support/.w',
            },
          },
          {
            // A script named by a relative path: the programs it starts are read from the WorkingDirectory's copy.
            path: '/Library/LaunchDaemons/com.s.helper.plist',
            plist: {
              Label: 'com.s.helper',
              ProgramArguments: ['/bin/sh', 'start.sh'],
              WorkingDirectory: '/Library/Application Support/.w',
            },
          },
          {
            path: '/Users/alice/Library/LaunchAgents/com.v.helper.plist',
            plist: {
              Label: 'com.v.helper',
              ProgramArguments: ['/bin/sh', '-c', 'cd ~/.v && ./kworker --config=pool.json'],
            },
          },
        ],
        processes: [{ pid: 1, ppid: 0, uid: 0, args: '/sbin/launchd', cpu: 0.5 }],
        files: {
          '/Library/Application Support/.w/config.json': '{"pools":[{"url":"pool.supportxmr.com:443"}]}',
          '/Users/alice/.v/pool.json': '{"pools":[{"url":"gulf.moneroocean.stream:10128"}]}',
          '/Library/Application Support/.w/start.sh': 'exec /Users/Shared/.w/kworker --background\n',
        },
      }),
      DEFAULT_SCAN_OPTIONS,
    );
    expect(reasonsOf(result, 'com.w.helper')).toContain(
      'pool.supportxmr.com (SupportXMR, file /Library/Application Support/.w/config.json)',
    );
    expect(reasonsOf(result, 'com.s.helper')).toContain(
      'runs /Users/Shared/.w/kworker from a hidden or temporary folder',
    );
    expect(reasonsOf(result, 'com.v.helper')).toContain(
      'gulf.moneroocean.stream (MoneroOcean, file /Users/alice/.v/pool.json)',
    );
  });
});
