// What Undo of a damaged record reads before it asks launchd for anything: the domain from the folder the file is in,
// the Label from the file itself, never from the record (which anything running as the user can edit).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { launchdDomainOf } from '../../main/actions/launchd-domain';
import { labelOfPlist } from '../../main/actions/launchd-steps';
import { plistFor } from '../support/executor-setup';

describe('launchdDomainOf', () => {
  it('a LaunchDaemons folder is the system domain, a LaunchAgents folder the user session, anything else none', () => {
    expect(launchdDomainOf('/Library/LaunchDaemons/com.x.plist', 501)).toBe('system');
    expect(launchdDomainOf('/Library/LaunchAgents/com.x.plist', 501)).toBe('gui/501');
    expect(launchdDomainOf('/Users/a/Library/LaunchAgents/com.x.plist', 502)).toBe('gui/502');
    expect(launchdDomainOf('/home/a/.config/systemd/user/x.service', 1000)).toBeUndefined();
  });
});

describe('labelOfPlist', () => {
  const folder = mkdtempSync(join(tmpdir(), 'lw-label-'));
  const file = (name: string, text: string | Buffer): string => {
    const path = join(folder, name);
    writeFileSync(path, text);
    return path;
  };

  it('reads the Label of an XML property list', () => {
    expect(labelOfPlist(file('ok.plist', plistFor('com.example.agent')))).toEqual({ label: 'com.example.agent' });
  });

  it('names a file with no Label, a Label launchctl would not take, and one that is not a property list', () => {
    const none = file('none.plist', '<plist version="1.0"><dict><key>Program</key><string>/x</string></dict></plist>');
    expect(labelOfPlist(none)).toEqual({ problem: `${none} has no Label` });
    expect(labelOfPlist(file('shelly.plist', plistFor('a; rm -rf ~')))).toEqual({ label: 'a; rm -rf ~' });
    const tabbed = file('tabbed.plist', plistFor('a\tb'));
    expect(labelOfPlist(tabbed)).toEqual({ problem: `the Label in ${tabbed} cannot be passed to launchctl` });
    expect(labelOfPlist(file('junk.plist', 'not a plist'))).toMatchObject({
      problem: expect.stringMatching(/junk\.plist: cannot parse property list/),
    });
  });

  it('reads neither through a link nor from a FIFO, and says which', () => {
    const link = join(folder, 'link.plist');
    symlinkSync(file('target.plist', plistFor('com.example.t')), link);
    expect(labelOfPlist(link)).toEqual({ problem: `${link} could not be read (ELOOP)` });
    const fifo = join(folder, 'fifo.plist');
    execFileSync('mkfifo', [fifo]);
    // O_NONBLOCK: open(2) of a FIFO with no writer returns at once (fifo(7)), and fstat names it.
    expect(labelOfPlist(fifo)).toEqual({ problem: `${fifo} is not a regular file` });
  });
});
