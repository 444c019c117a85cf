import { describe, expect, it } from 'vitest';
import { replay } from '../../main/cli/scan-command';
import { DEFAULT_SCAN_OPTIONS } from '../../main/engine/model';
import { MAX_STARTED_PROGRAMS, programsStartedBy } from '../../main/engine/started-programs';
import { writeCapture } from '../support/capture-builder';
import { launchAgent } from '../support/launch-items';

const HOME = '/Users/alice';
const started = (args: string[], files = new Map<string, string>()): string[] =>
  programsStartedBy(launchAgent('/x.plist', 'x', { arguments: args }), files, HOME);

describe('the programs a launch item starts by name', () => {
  it('its own program, and what sh -c and env run, past exec, nohup, nice and NAME=value words', () => {
    expect(started(['/opt/agent/run', '--serve'])).toEqual(['/opt/agent/run']);
    expect(
      started([
        '/bin/zsh',
        '-lc',
        'exec /opt/a --x; nohup ~/b & nice -n 19 /opt/c; GOMAXPROCS=2 nice -5 /opt/d; /usr/bin/env X=1 /opt/e',
      ]).sort(),
    ).toEqual(['/Users/alice/b', '/opt/a', '/opt/c', '/opt/d', '/opt/e']);
  });

  it('exec -a NAME: the program, and the argv[0] it will show (a system path it borrows, say)', () => {
    expect(started(['/bin/bash', '-c', 'exec -a /usr/libexec/trustd ~/.x/miner --background']).sort()).toEqual([
      '/Users/alice/.x/miner',
      '/usr/libexec/trustd',
    ]);
  });

  it("the commands of a shell script it runs (read from the item's referenced files), not those of other interpreters", () => {
    const files = new Map([
      [`${HOME}/start.sh`, '#!/bin/sh\n# /opt/commented-out\ncd /tmp && ./relative\n$HOME/.x/miner --background &\n'],
      [`${HOME}/run.py`, 'import os\nos.system("/opt/from-python")\n'],
    ]);
    expect(started(['/bin/sh', '~/start.sh'], files)).toEqual(['./relative', `${HOME}/.x/miner`]);
    expect(started(['/usr/bin/python3', `${HOME}/run.py`], files)).toEqual([]);
  });

  it("the commands of a script named by a relative path, read from the job's WorkingDirectory", () => {
    const files = new Map([
      ['/Library/Application Support/.w/start.sh', 'exec /Users/Shared/.w/kworker --background\n'],
    ]);
    const item = launchAgent('/x.plist', 'x', { arguments: ['/bin/sh', 'start.sh'] });
    expect(programsStartedBy(item, files, HOME, '/Library/Application Support/.w')).toEqual([
      '/Users/Shared/.w/kworker',
    ]);
    expect(programsStartedBy(item, files, HOME)).toEqual([]);
  });

  it('never an interpreter (a detached python is no sign of whose it is), never a bare name; a relative path as ps shows it', () => {
    expect(started(['/bin/sh', '-c', '/usr/bin/python3 -c x; /bin/bash y; ruby z; w; ./python3 v'])).toEqual([]);
    expect(started(['/bin/sh', '-c', 'cd ~/.v && ./w --background; bin/x; ../y/z'])).toEqual([
      './w',
      'bin/x',
      '../y/z',
    ]);
  });

  it('at most a bounded number, whatever a script holds', () => {
    const script = Array.from({ length: MAX_STARTED_PROGRAMS * 3 }, (_, i) => `/opt/p${i} &`).join('\n');
    const programs = started(['/bin/bash', `${HOME}/many.sh`], new Map([[`${HOME}/many.sh`, script]]));
    expect(programs).toHaveLength(MAX_STARTED_PROGRAMS);
    expect(programs[0]).toBe('/opt/p0');
  });
});

describe('what the programs an item starts say about it', () => {
  it('a program it starts from a hidden folder, under an Apple label, counts while nothing runs and whatever argv[0] says', async () => {
    const spec = {
      items: [
        {
          path: `${HOME}/Library/LaunchAgents/com.apple.trustd.helper.plist`,
          listedStatus: 0,
          plist: {
            Label: 'com.apple.trustd.helper',
            ProgramArguments: ['/bin/bash', '-c', 'exec -a /usr/libexec/trustd ~/.x/miner --background'],
            RunAtLoad: true,
          },
        },
      ],
      processes: [{ pid: 1, ppid: 0, uid: 0, args: '/sbin/launchd', cpu: 0.5 }],
    };
    const [item] = (await replay(writeCapture(spec), DEFAULT_SCAN_OPTIONS)).items;
    const reasons = new Map(item?.reasons.map((r) => [r.code, r.text]));
    expect(reasons.get('hide.hidden-path')).toBe(`runs ${HOME}/.x/miner from a hidden or temporary folder`);
    expect(reasons.get('hide.masquerade')).toContain(`claims Apple, but it runs ${HOME}/.x/miner`);
  });
});
