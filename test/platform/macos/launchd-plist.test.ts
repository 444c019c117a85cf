import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildBinary } from 'plist';
import { describe, expect, it } from 'vitest';
import { launchItemFromPlist } from '../../../main/platform/macos/launchd-plist';
import { classifyPlistPath } from '../../../main/platform/macos/folders';

const fixture = (name: string): Buffer => readFileSync(join(__dirname, '../../fixtures/macos/plists', name));
const agent = (bytes: Uint8Array, path = '/Users/alice/Library/LaunchAgents/x.plist') =>
  launchItemFromPlist({ path, bytes }, 'LaunchAgent', 'user');
const xml = (body: string): Buffer =>
  Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0">\n<dict>\n${body}\n</dict>\n</plist>\n`,
  );

describe('launchd property lists', () => {
  it('reads a Homebrew service plist (XML, tabs, sorted keys)', () => {
    const item = agent(fixture('homebrew.mxcl.formula_name.brew-service-spec.plist'));
    expect(item).toMatchObject({
      label: 'homebrew.mxcl.formula_name',
      program: '/usr/local/opt/formula_name/bin/beanstalkd',
      arguments: ['/usr/local/opt/formula_name/bin/beanstalkd', 'test'],
      runAtLoad: true,
      keepAlive: true,
      workingDirectory: '/usr/local/var',
      problems: [],
      persistenceTechnique: 'T1543.001',
    });
    expect(item.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reads Docker vmnetd (Program and ProgramArguments both set) and Apple mDNSResponder', () => {
    const docker = launchItemFromPlist(
      { path: '/Library/LaunchDaemons/com.docker.vmnetd.plist', bytes: fixture('com.docker.vmnetd.plist') },
      'LaunchDaemon',
      'system',
    );
    expect(docker).toMatchObject({
      label: 'com.docker.vmnetd',
      program: '/Library/PrivilegedHelperTools/com.docker.vmnetd',
      persistenceTechnique: 'T1543.004',
      problems: [],
    });
    const mdns = launchItemFromPlist(
      {
        path: '/System/Library/LaunchDaemons/com.apple.mDNSResponder.plist',
        bytes: fixture('com.apple.mDNSResponder.plist'),
      },
      'LaunchDaemon',
      'apple',
    );
    expect(mdns.label).toBe('com.apple.mDNSResponder');
    expect(mdns.problems).toEqual([]);
  });

  it('lets Program win over ProgramArguments[0]: launchd executes Program and passes the array as argv', () => {
    const item = agent(
      xml(
        '<key>Label</key><string>x</string><key>Program</key><string>/real/binary</string><key>ProgramArguments</key><array><string>looks-innocent</string><string>-v</string></array>',
      ),
    );
    expect(item.program).toBe('/real/binary');
    expect(item.arguments).toEqual(['looks-innocent', '-v']);
  });

  it('reads binary plists (bplist00)', () => {
    const bytes = buildBinary({
      Label: 'com.example.bin',
      ProgramArguments: ['/usr/local/bin/tool', '--flag'],
      KeepAlive: { SuccessfulExit: false },
      StartInterval: 300,
    } as never);
    expect(Buffer.from(bytes).subarray(0, 8).toString()).toBe('bplist00');
    expect(agent(bytes)).toMatchObject({
      label: 'com.example.bin',
      program: '/usr/local/bin/tool',
      keepAlive: { SuccessfulExit: false },
      startInterval: 300,
      problems: [],
    });
  });

  it('tolerates whitespace before <?xml, as launchd does', () => {
    const bytes = Buffer.concat([
      Buffer.from('\n\n   '),
      xml('<key>Label</key><string>lead</string><key>Program</key><string>/bin/x</string>'),
    ]);
    expect(agent(bytes)).toMatchObject({ label: 'lead', problems: [] });
  });

  it('reads LimitLoadToSessionType as a string or an array, and the other keys by type', () => {
    expect(
      agent(
        xml(
          '<key>Label</key><string>a</string><key>Program</key><string>/a</string><key>LimitLoadToSessionType</key><string>Aqua</string>',
        ),
      ).limitLoadToSessionType,
    ).toEqual(['Aqua']);
    const item = agent(
      xml(`<key>Label</key><string>b</string><key>Program</key><string>/b</string>
      <key>LimitLoadToSessionType</key><array><string>Aqua</string><string>Background</string></array>
      <key>WatchPaths</key><array><string>/etc/hosts</string></array><key>UserName</key><string>root</string>
      <key>StartCalendarInterval</key><dict><key>Hour</key><integer>3</integer></dict><key>Disabled</key><true/>`),
    );
    expect(item).toMatchObject({
      limitLoadToSessionType: ['Aqua', 'Background'],
      watchPaths: ['/etc/hosts'],
      userName: 'root',
      startCalendarInterval: { Hour: 3 },
      disabledInPlist: true,
    });
  });

  it('flags the 181-byte <dict/> leftovers (Keystone) as empty, not as an error', () => {
    const bytes = Buffer.from(
      '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0">\n<dict/>\n</plist>\n',
    );
    expect(bytes.length).toBe(181);
    const item = agent(bytes);
    expect(item.label).toBe('');
    expect(item.problems).toEqual([expect.stringContaining('empty property list')]);
  });

  it('says what is wrong with a "plist" that is compiled AppleScript, or broken XML, or mistyped keys', () => {
    expect(agent(Buffer.from('FasdUAS 1.101.10\u000e\u0000')).problems[0]).toMatch(/not a property list/);
    expect(agent(Buffer.from('<?xml version="1.0"?><plist><dict><key>Label</key>')).problems[0]).toMatch(
      /cannot parse/,
    );
    const typed = agent(xml('<key>Label</key><integer>5</integer><key>ProgramArguments</key><string>/bin/sh</string>'));
    expect(typed.problems).toEqual(
      expect.arrayContaining(['Label is not a string', 'ProgramArguments is not an array of strings']),
    );
  });

  it('reads the CookieMiner emulation plist as an agent running from /Users/Shared', () => {
    expect(agent(fixture('cookie-miner-payload-launchagent.atomic-emulation.plist'))).toMatchObject({
      program: '/Users/Shared/xmrig2',
      runAtLoad: true,
    });
  });

  it('classifies plist paths into kind and scope, app-bundle agents included', () => {
    const home = '/Users/alice';
    expect(classifyPlistPath('/Users/alice/Library/LaunchAgents/a.plist', home)).toMatchObject({
      kind: 'LaunchAgent',
      scope: 'user',
    });
    expect(classifyPlistPath('/Library/LaunchDaemons/a.plist', home)).toMatchObject({
      kind: 'LaunchDaemon',
      scope: 'system',
    });
    expect(classifyPlistPath('/System/Library/LaunchAgents/a.plist', home)).toMatchObject({
      kind: 'LaunchAgent',
      scope: 'apple',
    });
    expect(classifyPlistPath('/Applications/Tool.app/Contents/Library/LaunchAgents/a.plist', home)).toMatchObject({
      kind: 'LaunchAgent',
      scope: 'app-bundle',
    });
    expect(
      classifyPlistPath('/Users/alice/Applications/T.app/Contents/Library/LaunchAgents/a.plist', home),
    ).toMatchObject({ scope: 'app-bundle' });
    expect(classifyPlistPath('/Users/alice/Library/LaunchAgents/sub/a.plist', home)).toBeUndefined();
  });
});
