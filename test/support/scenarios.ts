// Captures for each real case in threat-cases.md and each look-alike, built with the capture builder.
// They describe behaviour (an interpreter with a busy child, a pool on 443, a headless VM, ...), so the
// tests check that the engine reads behaviour, not names.
import type { CaptureSpec } from './capture-builder';

const HOME = '/Users/alice';
export const WALLET =
  '4' + 'AdUndXHHZ6cfufTMvppY6JwXNouMBzSkbLYfpAV5Usx3skxNgYeYTRj5UzqtReoS44qo9mtmXCqY45DJ852K5Jv2684Rge'.slice(0, 94);

export const UNSIGNED = (path: string): string => `${path}: code object is not signed at all`;
export const ADHOC = (path: string, id: string): string => `Executable=${path}
Identifier=${id}
Format=Mach-O thin (arm64)
CodeDirectory v=20400 size=988 flags=0x20002(adhoc,linker-signed) hashes=28+0 location=embedded
Signature=adhoc
Info.plist=not bound
TeamIdentifier=not set
Sealed Resources=none
Internal requirements=none`;
export const DEVELOPER_ID = (path: string, id: string, vendor: string, team: string): string => `Executable=${path}
Identifier=${id}
Format=Mach-O universal (x86_64 arm64)
CodeDirectory v=20500 size=1821 flags=0x10000(runtime) hashes=46+7 location=embedded
Signature size=9041
Authority=Developer ID Application: ${vendor} (${team})
Authority=Developer ID Certification Authority
Authority=Apple Root CA
Timestamp=Nov 2, 2026 at 10:11:12 AM
Info.plist entries=22
TeamIdentifier=${team}
Runtime Version=14.0.0
Sealed Resources version=2 rules=13 files=10
Internal requirements count=1 size=212`;
export const APPLE = (path: string, id: string): string => `Executable=${path}
Identifier=${id}
Format=Mach-O universal (x86_64 arm64e)
CodeDirectory v=20400 size=1760 flags=0x0(none) hashes=44+7 location=embedded
Platform identifier=15
Signature size=4442
Authority=Software Signing
Authority=Apple Code Signing Certification Authority
Authority=Apple Root CA
Signed Time=Oct 3, 2026 at 1:02:03 AM
Info.plist entries=9
TeamIdentifier=not set
Sealed Resources=none
Internal requirements count=1 size=64`;

/** Processes every Mac has, so that attribution works in a realistic table. */
const BACKGROUND = [
  { pid: 1, ppid: 0, uid: 0, args: '/sbin/launchd', cpu: 0.5, startedBefore: 86400 * 3 },
  { pid: 88, ppid: 1, uid: 0, args: '/usr/libexec/logd', cpu: 1, startedBefore: 86400 * 3 },
  {
    pid: 402,
    ppid: 1,
    uid: 501,
    args: '/System/Library/CoreServices/Finder.app/Contents/MacOS/Finder',
    cpu: 0.4,
    startedBefore: 86400,
  },
  // An app (not a launch item) that mines: out of scope for launchd, and must not be blamed on any item.
  {
    pid: 990,
    ppid: 402,
    uid: 501,
    args: '/Applications/Calendar 2.app/Contents/MacOS/xmr-stak --currency monero -o pool.graft.hashvault.pro:7777',
    cpu: 370,
    startedBefore: 3600,
  },
];

export interface Scenario {
  name: string;
  spec: CaptureSpec;
  /** label -> expected verdict */
  expect: Record<string, string>;
  /** label -> reason codes that must be among its reasons */
  reasons?: Record<string, string[]>;
  /** Where osquery's rows (docs/fleet.md) cannot give the capture's verdict: label -> verdict, and why. */
  fromOsquery?: { expect: Record<string, string>; why: string };
}

export const scenarios: Scenario[] = [
  {
    name: 'OSX.CreativeUpdate: sh -c runs a renamed MinerGate CLI named like Spotlight',
    spec: {
      items: [
        {
          path: `${HOME}/Library/LaunchAgents/MacOS.plist`,
          listedPid: 610,
          plist: {
            Label: 'MacOS',
            ProgramArguments: ['sh', '-c', '~/Library/mdworker/mdworker -user walker@example.com -xmr'],
            RunAtLoad: true,
          },
        },
      ],
      processes: [
        ...BACKGROUND,
        { pid: 610, ppid: 1, args: 'sh -c ~/Library/mdworker/mdworker -user walker@example.com -xmr', cpu: 0 },
        { pid: 611, ppid: 610, args: '/Users/alice/Library/mdworker/mdworker -user walker@example.com -xmr', cpu: 380 },
      ],
      connections: [{ pid: 611, local: '192.168.1.20:50123', remote: '94.130.143.162:45700' }],
      dns: [['94.130.143.162', 'xmr.pool.minergate.com']],
    },
    expect: { MacOS: 'mining' },
    reasons: { MacOS: ['cpu.sustained', 'net.pool-host', 'hide.masquerade', 'hide.interpreter'] },
  },
  {
    name: 'mshelper/pplauncher: a daemon whose child in /tmp runs XMRig options, seen without root',
    spec: {
      items: [
        {
          path: '/Library/LaunchDaemons/com.pplauncher.plist',
          plist: {
            Label: 'com.pplauncher',
            Program: '/Library/Application Support/pplauncher/pplauncher',
            RunAtLoad: true,
            KeepAlive: true,
          },
        },
      ],
      processes: [
        ...BACKGROUND,
        { pid: 300, ppid: 1, uid: 0, args: '/Library/Application Support/pplauncher/pplauncher', cpu: 0.2 },
        {
          pid: 301,
          ppid: 300,
          uid: 0,
          args: '/tmp/mshelper/mshelper --donate-level=1 --max-cpu-usage=30 --cpu-priority=1',
          cpu: 180,
        },
      ],
      connections: [{ pid: 301, uid: 0, local: '192.168.1.20:50200', remote: '51.15.65.182:14444' }],
      dns: [['51.15.65.182', 'xmr-us-east1.nanopool.org']],
    },
    expect: { 'com.pplauncher': 'mining' },
    reasons: { 'com.pplauncher': ['cpu.sustained', 'args.miner-options', 'hide.hidden-path'] },
  },
  {
    name: 'mshelper with root visibility: the nanopool connection is seen',
    spec: {
      privileged: true,
      items: [
        {
          path: '/Library/LaunchDaemons/com.pplauncher.plist',
          plist: {
            Label: 'com.pplauncher',
            Program: '/Library/Application Support/pplauncher/pplauncher',
            RunAtLoad: true,
          },
        },
      ],
      processes: [
        ...BACKGROUND,
        { pid: 300, ppid: 1, uid: 0, args: '/Library/Application Support/pplauncher/pplauncher', cpu: 0.2 },
        { pid: 301, ppid: 300, uid: 0, args: '/tmp/mshelper/mshelper', cpu: 150 },
      ],
      connections: [
        { pid: 301, uid: 0, local: '192.168.1.20:50200', remote: '51.15.65.182:14444' },
        { pid: 301, uid: 0, local: '192.168.1.20:50201', remote: '104.140.245.37:80' },
      ],
      dns: [
        ['51.15.65.182', 'xmr-us-east1.nanopool.org'],
        ['104.140.245.37', 'mine.xmrpool.net'],
      ],
    },
    expect: { 'com.pplauncher': 'mining' },
    reasons: { 'com.pplauncher': ['net.pool-host', 'hide.hidden-path'] },
  },
  {
    name: 'OSX.CpuMeaner: an XMRig build with no strings, busy and on a Stratum port',
    spec: {
      items: [
        {
          path: '/Library/LaunchAgents/com.rgt.splcpu.plist',
          listedPid: 720,
          plist: { Label: 'com.rgt.splcpu', Program: '/Library/Application Support/splcpu/splcpu', RunAtLoad: true },
        },
      ],
      processes: [...BACKGROUND, { pid: 720, ppid: 1, args: '/Library/Application Support/splcpu/splcpu', cpu: 290 }],
      connections: [{ pid: 720, local: '192.168.1.20:50300', remote: '203.0.113.80:3333' }],
      codesign: {
        '/Library/Application Support/splcpu/splcpu': UNSIGNED('/Library/Application Support/splcpu/splcpu'),
      },
    },
    expect: { 'com.rgt.splcpu': 'suspicious' },
    reasons: { 'com.rgt.splcpu': ['cpu.sustained', 'net.stratum-port'] },
  },
  {
    name: 'OSX.CpuMeaner, dormant: killed after install, nothing to see',
    spec: {
      items: [
        {
          path: '/Library/LaunchAgents/com.rgt.splcpu.plist',
          listedStatus: -9,
          plist: { Label: 'com.rgt.splcpu', Program: '/Library/Application Support/splcpu/splcpu', RunAtLoad: true },
        },
      ],
      processes: [...BACKGROUND],
    },
    expect: { 'com.rgt.splcpu': 'ok' },
  },
  {
    name: 'CookieMiner: a fake com.apple label runs xmrig2 from /Users/Shared on a Koto pool',
    spec: {
      items: [
        {
          path: `${HOME}/Library/LaunchAgents/com.apple.rig2.plist`,
          listedPid: 820,
          plist: {
            Label: 'com.apple.rig2',
            ProgramArguments: [
              '/Users/Shared/xmrig2',
              '-a',
              'yescrypt',
              '-o',
              'stratum+tcp://koto-pool.work:3032',
              '-u',
              'k1GqvkK7le6hQcBjJ7sUuGnX4VGBbHZN8Ms',
            ],
            RunAtLoad: true,
          },
        },
      ],
      processes: [
        ...BACKGROUND,
        {
          pid: 820,
          ppid: 1,
          args: '/Users/Shared/xmrig2 -a yescrypt -o stratum+tcp://koto-pool.work:3032 -u k1GqvkK7le6hQcBjJ7sUuGnX4VGBbHZN8Ms',
          cpu: (i) => 230 + ((i * 37) % 50),
        },
      ],
      connections: [{ pid: 820, local: '192.168.1.20:50400', remote: '45.76.100.7:3032' }],
      dns: [['45.76.100.7', 'koto-pool.work']],
      codesign: { '/Users/Shared/xmrig2': UNSIGNED('/Users/Shared/xmrig2') },
    },
    expect: { 'com.apple.rig2': 'mining' },
    reasons: {
      'com.apple.rig2': [
        'cpu.sustained',
        'args.stratum-url',
        'program.known-miner',
        'net.pool-host',
        'hide.masquerade',
        'hide.hidden-path',
      ],
    },
  },
  {
    name: 'CookieMiner, paused: not running, its plist still names a Stratum pool',
    spec: {
      items: [
        {
          path: `${HOME}/Library/LaunchAgents/com.apple.rig2.plist`,
          listedStatus: -15,
          plist: {
            Label: 'com.apple.rig2',
            ProgramArguments: [
              '/Users/Shared/xmrig2',
              '-a',
              'yescrypt',
              '-o',
              'stratum+tcp://koto-pool.work:3032',
              '-u',
              'k1GqvkK7le6hQcBjJ7sUuGnX4VGBbHZN8Ms',
            ],
            RunAtLoad: true,
          },
        },
      ],
      processes: [...BACKGROUND],
    },
    expect: { 'com.apple.rig2': 'suspicious' },
    reasons: { 'com.apple.rig2': ['args.stratum-url'] },
  },
  {
    name: 'LoudMiner: a daemon with a random-word name runs a renamed QEMU with no display',
    spec: {
      items: [
        {
          path: '/Library/LaunchDaemons/com.sanction.plist',
          plist: {
            Label: 'com.sanction',
            ProgramArguments: [
              '/usr/local/bin/sanction',
              '-m',
              '3G',
              '-accel',
              'hvf,thread=multi',
              '-smp',
              'cpus=2',
              '--cpu',
              'host',
              '/Library/Application Support/.sanction/sanction.qcow2',
              '-display',
              'none',
            ],
            RunAtLoad: true,
            KeepAlive: true,
          },
        },
      ],
      processes: [
        ...BACKGROUND,
        {
          pid: 350,
          ppid: 1,
          uid: 0,
          args: '/usr/local/bin/sanction -m 3G -accel hvf,thread=multi -smp cpus=2 --cpu host /Library/Application Support/.sanction/sanction.qcow2 -display none',
          cpu: 198,
        },
      ],
    },
    expect: { 'com.sanction': 'suspicious' },
    reasons: { 'com.sanction': ['cpu.sustained', 'vm.headless'] },
  },
  {
    name: 'macOS.OSAMiner: com.apple label, osascript runs a "plist" that is compiled AppleScript; the child mines',
    spec: {
      items: [
        {
          path: `${HOME}/Library/LaunchAgents/com.apple.FY9.plist`,
          listedPid: 930,
          plist: {
            Label: 'com.apple.FY9',
            Program: '/usr/bin/osascript',
            ProgramArguments: ['osascript', `${HOME}/Library/LaunchAgents/com.apple.4V.plist`],
            RunAtLoad: true,
          },
        },
        {
          path: `${HOME}/Library/LaunchAgents/com.apple.4V.plist`,
          plist: Buffer.concat([
            Buffer.from('FasdUAS 1.101.10\x0e\x00\x00\x00\x04\x0f\xff\xff', 'latin1'),
            Buffer.alloc(64, 0x20),
          ]),
        },
      ],
      processes: [
        ...BACKGROUND,
        { pid: 930, ppid: 1, args: `osascript ${HOME}/Library/LaunchAgents/com.apple.4V.plist`, cpu: 0.5 },
        {
          pid: 931,
          ppid: 930,
          args: `${HOME}/Library/Caches/com.apple.xbs/k -o 203.0.113.50:4444 -u ${WALLET} -t 4`,
          cpu: 300,
        },
      ],
      connections: [{ pid: 931, local: '192.168.1.20:50500', remote: '203.0.113.50:4444' }],
      codesign: { '/usr/bin/osascript': APPLE('/usr/bin/osascript', 'com.apple.osascript') },
    },
    expect: { 'com.apple.FY9': 'mining' },
    reasons: {
      'com.apple.FY9': [
        'cpu.sustained',
        'args.pool-endpoint',
        'net.configured-pool',
        'hide.masquerade',
        'hide.interpreter',
      ],
    },
  },
  {
    name: 'Honkbox: an Adobe-like program, ad-hoc signed, mining through a local I2P tunnel',
    spec: {
      items: [
        {
          path: '/Library/LaunchAgents/com.adobe.acc.network.plist',
          listedPid: 1010,
          plist: { Label: 'com.adobe.acc.network', Program: '/usr/local/bin/com.adobe.acc.network', RunAtLoad: true },
        },
        {
          path: '/Library/LaunchAgents/com.adobe.acc.localhost.plist',
          listedPid: 1011,
          plist: {
            Label: 'com.adobe.acc.localhost',
            Program: '/usr/local/bin/com.adobe.acc.localhost',
            RunAtLoad: true,
          },
        },
      ],
      processes: [
        ...BACKGROUND,
        { pid: 1010, ppid: 1, args: '/usr/local/bin/com.adobe.acc.network', cpu: 320 },
        { pid: 1011, ppid: 1, args: '/usr/local/bin/com.adobe.acc.localhost', cpu: 3 },
      ],
      connections: [
        // The miner's only connection: the I2P router's HTTP proxy on this machine.
        { pid: 1010, local: '127.0.0.1:51000', remote: '127.0.0.1:4444' },
        { pid: 1011, local: '127.0.0.1:4444', state: 'LISTEN' },
        { pid: 1011, local: '192.168.1.20:51001', remote: '198.51.100.9:27015' },
      ],
      codesign: {
        '/usr/local/bin/com.adobe.acc.network': ADHOC('/usr/local/bin/com.adobe.acc.network', 'com.adobe.acc.network'),
        '/usr/local/bin/com.adobe.acc.localhost': ADHOC('/usr/local/bin/com.adobe.acc.localhost', 'i2pd'),
      },
    },
    expect: { 'com.adobe.acc.network': 'suspicious', 'com.adobe.acc.localhost': 'ok' },
    reasons: { 'com.adobe.acc.network': ['cpu.sustained', 'hide.masquerade', 'net.local-tunnel'] },
  },
  {
    name: 'Install script: com.apple.coreaudio.daemon loops a hidden XMRig to MoneroOcean over TLS on 443',
    spec: {
      items: [
        {
          path: '/Library/LaunchDaemons/com.apple.coreaudio.daemon.plist',
          plist: {
            Label: 'com.apple.coreaudio.daemon',
            ProgramArguments: [
              '/bin/bash',
              '-c',
              'while true; do /Users/alice/.config/.coreservice -o gulf.moneroocean.stream:10128 -o pool.moneroocean.stream:443 --tls -t 2 --background-task; sleep 5; done',
            ],
            RunAtLoad: true,
            KeepAlive: true,
          },
        },
      ],
      processes: [
        ...BACKGROUND,
        {
          pid: 1100,
          ppid: 1,
          uid: 0,
          args: '/bin/bash -c while true; do /Users/alice/.config/.coreservice -o gulf.moneroocean.stream:10128 -o pool.moneroocean.stream:443 --tls -t 2 --background-task; sleep 5; done',
          cpu: 0,
        },
        {
          pid: 1101,
          ppid: 1100,
          uid: 0,
          args: '/Users/alice/.config/.coreservice -o gulf.moneroocean.stream:10128 -o pool.moneroocean.stream:443 --tls -t 2 --background-task',
          cpu: 200,
        },
      ],
      privileged: true,
      connections: [{ pid: 1101, uid: 0, local: '192.168.1.20:51100', remote: '172.67.137.15:443' }],
      dns: [['172.67.137.15', 'pool.moneroocean.stream']],
    },
    expect: { 'com.apple.coreaudio.daemon': 'mining' },
    reasons: {
      'com.apple.coreaudio.daemon': [
        'cpu.sustained',
        'args.pool-host',
        'net.pool-host',
        'hide.masquerade',
        'hide.hidden-path',
        'hide.interpreter',
      ],
    },
  },
  {
    // launchd.plist(5) forbids a job to daemonize; XMRig's --background does: fork, setsid in the child, the
    // parent exits 0 (xmrig/xmrig src/App_unix.cpp), so launchd lists the job with status 0 and no pid.
    name: 'XMRig --background from sh -c: the miner detaches, launchd lists the job as exited, the miner runs on',
    spec: {
      items: [
        {
          path: `${HOME}/Library/LaunchAgents/com.apple.audio.helper.plist`,
          listedStatus: 0,
          plist: {
            Label: 'com.apple.audio.helper',
            ProgramArguments: ['/bin/sh', '-c', 'exec ~/.config/.coreservice --background --tls -t 2'],
            RunAtLoad: true,
          },
        },
      ],
      processes: [
        ...BACKGROUND,
        // The job's process forked the miner and exited: the miner is launchd's child, in no job's tree.
        { pid: 1150, ppid: 1, args: '/Users/alice/.config/.coreservice --background --tls -t 2', cpu: 250 },
      ],
      connections: [{ pid: 1150, local: '192.168.1.20:51150', remote: '172.67.137.15:443' }],
      dns: [['172.67.137.15', 'pool.moneroocean.stream']],
    },
    expect: { 'com.apple.audio.helper': 'mining' },
    reasons: {
      'com.apple.audio.helper': [
        'cpu.sustained',
        'net.pool-host',
        'hide.detached',
        'hide.masquerade',
        'hide.hidden-path',
      ],
    },
  },
  {
    name: 'A game server a script starts with nohup &: busy and detached from its job, no pool: suspicious, not mining',
    spec: {
      items: [
        {
          path: `${HOME}/Library/LaunchAgents/com.example.gameserver.plist`,
          listedStatus: 0,
          plist: {
            Label: 'com.example.gameserver',
            ProgramArguments: ['/bin/bash', `${HOME}/Games/server/start.sh`],
            RunAtLoad: true,
          },
        },
      ],
      files: {
        [`${HOME}/Games/server/start.sh`]: `#!/bin/bash\ncd "$HOME/Games/server"\nnohup ${HOME}/Games/server/bin/server --world main >log.txt 2>&1 &\n`,
      },
      processes: [
        ...BACKGROUND,
        { pid: 1160, ppid: 1, args: `${HOME}/Games/server/bin/server --world main`, cpu: 160 },
      ],
      connections: [{ pid: 1160, local: '192.168.1.20:25565', remote: '203.0.113.9:50412' }],
    },
    // Leaving the job is a sign of hiding: with sustained CPU it asks for a look; it is no sign of mining.
    expect: { 'com.example.gameserver': 'suspicious' },
    reasons: { 'com.example.gameserver': ['cpu.sustained', 'hide.detached'] },
    fromOsquery: {
      expect: { 'com.example.gameserver': 'ok' },
      why: 'the osquery pack reads no script, so nothing ties the detached server to the item',
    },
  },
  {
    name: 'Install script, capped: XMRig under cpulimit at 20% is still a configured miner',
    spec: {
      items: [
        {
          path: `${HOME}/Library/LaunchAgents/com.backgroundtask.miner.plist`,
          listedPid: 1200,
          plist: {
            Label: 'com.backgroundtask.miner',
            ProgramArguments: [
              '/opt/homebrew/bin/cpulimit',
              '-l',
              '20',
              '--',
              `${HOME}/.local/xmrig`,
              '-c',
              `${HOME}/.local/config.json`,
            ],
            RunAtLoad: true,
          },
        },
      ],
      processes: [
        ...BACKGROUND,
        {
          pid: 1200,
          ppid: 1,
          args: `/opt/homebrew/bin/cpulimit -l 20 -- ${HOME}/.local/xmrig -c ${HOME}/.local/config.json`,
          cpu: 0.3,
        },
        { pid: 1201, ppid: 1200, args: `${HOME}/.local/xmrig -c ${HOME}/.local/config.json`, cpu: 20 },
      ],
      files: {
        [`${HOME}/.local/config.json`]: JSON.stringify(
          {
            autosave: true,
            'donate-level': 1,
            cpu: { enabled: true, 'max-threads-hint': 50 },
            pools: [{ url: 'pool.supportxmr.com:443', user: WALLET, pass: 'x', tls: true }],
          },
          null,
          4,
        ),
      },
    },
    expect: { 'com.backgroundtask.miner': 'suspicious' },
    reasons: { 'com.backgroundtask.miner': ['args.pool-host', 'program.known-miner'] },
  },
  // Look-alikes: busy, networked, unsigned or VM-running software that is not mining.
  {
    name: "Spotlight indexing: heavy CPU from Apple's own mds and mdworker",
    spec: {
      privileged: true,
      items: [
        {
          path: '/System/Library/LaunchDaemons/com.apple.metadata.mds.plist',
          plist: {
            Label: 'com.apple.metadata.mds',
            Program: '/System/Library/Frameworks/CoreServices.framework/Frameworks/Metadata.framework/Support/mds',
            KeepAlive: true,
          },
        },
      ],
      processes: [
        ...BACKGROUND,
        {
          pid: 120,
          ppid: 1,
          uid: 0,
          args: '/System/Library/Frameworks/CoreServices.framework/Frameworks/Metadata.framework/Support/mds',
          cpu: 90,
        },
        {
          pid: 121,
          ppid: 1,
          uid: 501,
          args: '/System/Library/Frameworks/CoreServices.framework/Frameworks/Metadata.framework/Versions/A/Support/mdworker_shared -s mdworker -c MDSImporterWorker -m com.apple.mdworker.shared',
          cpu: 60,
        },
      ],
      codesign: {
        '/System/Library/Frameworks/CoreServices.framework/Frameworks/Metadata.framework/Support/mds': APPLE(
          '/System/Library/Frameworks/CoreServices.framework/Frameworks/Metadata.framework/Support/mds',
          'com.apple.mds',
        ),
      },
    },
    expect: { 'com.apple.metadata.mds': 'high-cpu' },
  },
  {
    name: 'Backblaze: long high CPU and long-lived HTTPS connections during a backup',
    spec: {
      privileged: true,
      items: [
        {
          path: '/Library/LaunchDaemons/com.backblaze.bzserv.plist',
          plist: {
            Label: 'com.backblaze.bzserv',
            ProgramArguments: ['/Library/Backblaze.bzpkg/bzserv'],
            RunAtLoad: true,
            KeepAlive: true,
          },
        },
        {
          path: '/Library/LaunchAgents/com.backblaze.bzbmenu.plist',
          listedPid: 640,
          plist: {
            Label: 'com.backblaze.bzbmenu',
            ProgramArguments: ['/Library/Backblaze.bzpkg/bzbmenu.app/Contents/MacOS/bzbmenu'],
            RunAtLoad: true,
          },
        },
      ],
      processes: [
        ...BACKGROUND,
        { pid: 200, ppid: 1, uid: 0, args: '/Library/Backblaze.bzpkg/bzserv', cpu: 5 },
        { pid: 201, ppid: 200, uid: 0, args: '/Library/Backblaze.bzpkg/bztransmit -mainloop', cpu: 140 },
        { pid: 640, ppid: 1, args: '/Library/Backblaze.bzpkg/bzbmenu.app/Contents/MacOS/bzbmenu', cpu: 0.5 },
      ],
      connections: [
        { pid: 201, uid: 0, local: '192.168.1.20:52000', remote: '149.137.128.10:443' },
        { pid: 201, uid: 0, local: '192.168.1.20:52001', remote: '149.137.128.11:443' },
      ],
      dns: [['149.137.128.10', 'pod-000-1042-11.backblaze.com']],
      codesign: {
        '/Library/Backblaze.bzpkg/bzserv': DEVELOPER_ID(
          '/Library/Backblaze.bzpkg/bzserv',
          'com.backblaze.bzserv',
          'Backblaze Inc',
          '8S6G6FJ6BZ',
        ),
      },
    },
    expect: { 'com.backblaze.bzserv': 'high-cpu', 'com.backblaze.bzbmenu': 'ok' },
  },
  {
    name: 'Docker Desktop: privileged helpers idle while the VM (started by the app) is busy',
    spec: {
      privileged: true,
      items: [
        {
          path: '/Library/LaunchDaemons/com.docker.vmnetd.plist',
          plist: {
            Label: 'com.docker.vmnetd',
            Program: '/Library/PrivilegedHelperTools/com.docker.vmnetd',
            ProgramArguments: ['/Library/PrivilegedHelperTools/com.docker.vmnetd'],
            Sockets: { Listener: { SockPathName: '/var/run/com.docker.vmnetd.sock' } },
          },
        },
        {
          path: '/Library/LaunchDaemons/com.docker.socket.plist',
          plist: {
            Label: 'com.docker.socket',
            ProgramArguments: [
              '/Library/PrivilegedHelperTools/com.docker.socket',
              '/Users/alice/.docker/run/docker.sock',
              '/var/run/docker.sock',
            ],
            RunAtLoad: true,
          },
        },
      ],
      processes: [
        ...BACKGROUND,
        { pid: 260, ppid: 1, uid: 0, args: '/Library/PrivilegedHelperTools/com.docker.vmnetd', cpu: 0.1 },
        {
          pid: 261,
          ppid: 1,
          uid: 0,
          args: '/Library/PrivilegedHelperTools/com.docker.socket /Users/alice/.docker/run/docker.sock /var/run/docker.sock',
          cpu: 0.1,
        },
        {
          pid: 700,
          ppid: 402,
          args: '/Applications/Docker.app/Contents/MacOS/com.docker.virtualization --kernel /Applications/Docker.app/Contents/Resources/linuxkit/kernel --cpus 8 --memory 8092',
          cpu: 400,
        },
      ],
    },
    expect: { 'com.docker.vmnetd': 'ok', 'com.docker.socket': 'ok' },
  },
  {
    name: 'Homebrew services: unsigned programs in /opt/homebrew, listening sockets, one busy database',
    spec: {
      items: [
        {
          path: `${HOME}/Library/LaunchAgents/homebrew.mxcl.redis.plist`,
          listedPid: 1300,
          plist: {
            Label: 'homebrew.mxcl.redis',
            ProgramArguments: ['/opt/homebrew/opt/redis/bin/redis-server', '/opt/homebrew/etc/redis.conf'],
            RunAtLoad: true,
            KeepAlive: true,
            WorkingDirectory: '/opt/homebrew/var',
          },
        },
        {
          path: `${HOME}/Library/LaunchAgents/homebrew.mxcl.postgresql@16.plist`,
          listedPid: 1310,
          binary: true,
          plist: {
            Label: 'homebrew.mxcl.postgresql@16',
            ProgramArguments: ['/opt/homebrew/opt/postgresql@16/bin/postgres', '-D', '/opt/homebrew/var/postgresql@16'],
            RunAtLoad: true,
            KeepAlive: true,
          },
        },
      ],
      processes: [
        ...BACKGROUND,
        { pid: 1300, ppid: 1, args: '/opt/homebrew/opt/redis/bin/redis-server 127.0.0.1:6379', cpu: 0.8 },
        {
          pid: 1310,
          ppid: 1,
          args: '/opt/homebrew/opt/postgresql@16/bin/postgres -D /opt/homebrew/var/postgresql@16',
          cpu: 2,
        },
        { pid: 1311, ppid: 1310, args: 'postgres: alice app 127.0.0.1(50912) SELECT', cpu: 95 },
      ],
      connections: [
        { pid: 1300, local: '127.0.0.1:6379', state: 'LISTEN' },
        { pid: 1310, local: '[::1]:5432', state: 'LISTEN', ipv6: true },
        { pid: 1311, local: '127.0.0.1:5432', remote: '127.0.0.1:50912' },
      ],
      codesign: {
        '/opt/homebrew/opt/redis/bin/redis-server': ADHOC('/opt/homebrew/opt/redis/bin/redis-server', 'redis-server'),
      },
    },
    expect: { 'homebrew.mxcl.redis': 'ok', 'homebrew.mxcl.postgresql@16': 'high-cpu' },
  },
  {
    name: 'Google Keystone leftovers and Microsoft AutoUpdate: empty plists and periodic HTTPS',
    spec: {
      privileged: true,
      items: [
        {
          path: `${HOME}/Library/LaunchAgents/com.google.keystone.agent.plist`,
          plist: Buffer.from(
            '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0">\n<dict/>\n</plist>\n'.padEnd(
              181,
              ' ',
            ),
          ),
        },
        {
          path: '/Library/LaunchDaemons/com.microsoft.autoupdate.helper.plist',
          plist: {
            Label: 'com.microsoft.autoupdate.helper',
            Program: '/Library/PrivilegedHelperTools/com.microsoft.autoupdate.helper',
            MachServices: { 'com.microsoft.autoupdate.helper': true },
          },
        },
      ],
      processes: [
        ...BACKGROUND,
        { pid: 280, ppid: 1, uid: 0, args: '/Library/PrivilegedHelperTools/com.microsoft.autoupdate.helper', cpu: 1 },
      ],
      connections: [
        { pid: 280, uid: 0, local: '192.168.1.20:53000', remote: '13.107.246.40:443', open: (i) => i % 4 === 0 },
      ],
      codesign: {
        '/Library/PrivilegedHelperTools/com.microsoft.autoupdate.helper': DEVELOPER_ID(
          '/Library/PrivilegedHelperTools/com.microsoft.autoupdate.helper',
          'com.microsoft.autoupdate.helper',
          'Microsoft Corporation',
          'UBF8T346G9',
        ),
      },
    },
    expect: { '': 'ok', 'com.microsoft.autoupdate.helper': 'ok' },
  },
  {
    name: 'Folding@home: all cores for hours, with network, volunteering',
    spec: {
      privileged: true,
      items: [
        {
          path: '/Library/LaunchDaemons/org.foldingathome.fahclient.plist',
          plist: {
            Label: 'org.foldingathome.fahclient',
            ProgramArguments: [
              '/Applications/FAHClient.app/Contents/MacOS/FAHClient',
              '--config',
              '/Library/Application Support/FAHClient/config.xml',
            ],
            RunAtLoad: true,
            KeepAlive: true,
            UserName: 'nobody',
          },
        },
      ],
      processes: [
        ...BACKGROUND,
        {
          pid: 500,
          ppid: 1,
          uid: -2,
          args: '/Applications/FAHClient.app/Contents/MacOS/FAHClient --config /Library/Application Support/FAHClient/config.xml',
          cpu: 2,
        },
        {
          pid: 501,
          ppid: 500,
          uid: -2,
          args: '/Library/Application Support/FAHClient/cores/openmm-core-23/osx-11-arm64/release/fahcore_23 -dir 00 -suffix 01 -version 706 -lifeline 500 -checkpoint 15 -np 8',
          cpu: 780,
        },
      ],
      connections: [
        { pid: 500, uid: -2, local: '192.168.1.20:54000', remote: '128.252.203.10:8080' },
        { pid: 501, uid: -2, local: '192.168.1.20:54001', remote: '155.247.166.219:443' },
      ],
      files: {
        '/Library/Application Support/FAHClient/config.xml':
          '<config>\n  <user value="alice"/>\n  <team value="0"/>\n  <power value="full"/>\n</config>\n',
      },
    },
    expect: { 'org.foldingathome.fahclient': 'high-cpu' },
  },
  {
    name: 'Weak signs alone: a label that says miner, one connection on 3333, nothing busy',
    spec: {
      items: [
        {
          path: `${HOME}/Library/LaunchAgents/com.example.gold-miner-game.plist`,
          listedPid: 1400,
          plist: {
            Label: 'com.example.gold-miner-game.updater',
            ProgramArguments: ['/Applications/Gold Miner.app/Contents/MacOS/updater'],
            StartInterval: 3600,
          },
        },
      ],
      processes: [
        ...BACKGROUND,
        { pid: 1400, ppid: 1, args: '/Applications/Gold Miner.app/Contents/MacOS/updater', cpu: 1 },
      ],
      connections: [{ pid: 1400, local: '192.168.1.20:55000', remote: '198.51.100.33:3333' }],
    },
    expect: { 'com.example.gold-miner-game.updater': 'ok' },
  },
  {
    name: 'Busy and named like a miner, nothing else: a game updater at 80% CPU is high CPU, not suspicious',
    spec: {
      items: [
        {
          path: `${HOME}/Library/LaunchAgents/com.example.gold-miner-game.plist`,
          listedPid: 1400,
          plist: {
            Label: 'com.example.gold-miner-game.updater',
            ProgramArguments: ['/Applications/Gold Miner.app/Contents/MacOS/updater'],
            StartInterval: 3600,
          },
        },
      ],
      processes: [
        ...BACKGROUND,
        { pid: 1400, ppid: 1, args: '/Applications/Gold Miner.app/Contents/MacOS/updater', cpu: 80 },
      ],
    },
    expect: { 'com.example.gold-miner-game.updater': 'high-cpu' },
  },
  {
    name: 'Servers named by URL: cloudflared --url, a sync agent with --url and --user, a GPU renderer; busy, not mining',
    spec: {
      items: [
        {
          path: `${HOME}/Library/LaunchAgents/homebrew.mxcl.cloudflared.plist`,
          listedPid: 1600,
          plist: {
            Label: 'homebrew.mxcl.cloudflared',
            ProgramArguments: [
              '/opt/homebrew/opt/cloudflared/bin/cloudflared',
              'tunnel',
              '--url',
              'http://localhost:8080',
            ],
            RunAtLoad: true,
          },
        },
        {
          path: '/Library/LaunchAgents/com.example.sync.plist',
          listedPid: 1610,
          plist: {
            Label: 'com.example.sync',
            ProgramArguments: [
              '/Applications/Sync.app/Contents/MacOS/agent',
              '--url',
              'https://sync.example.com:8443',
              '--user',
              'alice',
            ],
            RunAtLoad: true,
          },
        },
        {
          path: `${HOME}/Library/LaunchAgents/com.example.render.plist`,
          listedPid: 1620,
          plist: {
            Label: 'com.example.render',
            ProgramArguments: [
              '/Applications/Render.app/Contents/MacOS/render',
              '--cuda',
              '--opencl',
              '--config',
              `${HOME}/.render.json`,
            ],
          },
        },
      ],
      processes: [
        ...BACKGROUND,
        {
          pid: 1600,
          ppid: 1,
          args: '/opt/homebrew/opt/cloudflared/bin/cloudflared tunnel --url http://localhost:8080',
          cpu: 60,
        },
        {
          pid: 1610,
          ppid: 1,
          args: '/Applications/Sync.app/Contents/MacOS/agent --url https://sync.example.com:8443 --user alice',
          cpu: 1,
        },
        {
          pid: 1620,
          ppid: 1,
          args: `/Applications/Render.app/Contents/MacOS/render --cuda --opencl --config ${HOME}/.render.json`,
          cpu: 350,
        },
      ],
      connections: [
        { pid: 1600, local: '127.0.0.1:51200', remote: '127.0.0.1:8080' },
        { pid: 1610, local: '192.168.1.20:51210', remote: '198.51.100.77:8443' },
      ],
      dns: [['198.51.100.77', 'sync.example.com']],
      files: { [`${HOME}/.render.json`]: JSON.stringify({ cuda: true, opencl: false, currency: 'EUR', coin: 'BTC' }) },
    },
    expect: { 'homebrew.mxcl.cloudflared': 'high-cpu', 'com.example.sync': 'ok', 'com.example.render': 'high-cpu' },
  },
  {
    name: 'A launcher that execs into the miner: same pid, new command line',
    spec: {
      items: [
        {
          path: '/Library/LaunchDaemons/com.pplauncher.plist',
          plist: {
            Label: 'com.pplauncher',
            Program: '/Library/Application Support/pplauncher/pplauncher',
            RunAtLoad: true,
          },
        },
      ],
      processes: [
        ...BACKGROUND,
        {
          pid: 300,
          ppid: 1,
          uid: 0,
          args: '/Library/Application Support/pplauncher/pplauncher',
          cpu: 1,
          alive: (i) => i < 3,
        },
        // After exec the pid and start time are the same; ps shows the new argv.
        {
          pid: 300,
          ppid: 1,
          uid: 0,
          args: '/tmp/mshelper/mshelper --donate-level=1 --max-cpu-usage=30',
          cpu: 180,
          alive: (i) => i >= 3,
          priorCpuSeconds: 6,
        },
      ],
    },
    expect: { 'com.pplauncher': 'mining' },
    reasons: { 'com.pplauncher': ['cpu.sustained', 'args.miner-options'] },
  },
  {
    // launchctl prints a label as it is (ProcursusTeam/launchctl list.c), so a line end in one starts a row of its own:
    // here a row that hands the miner's pid to an Apple job that is not running. Read so, the miner is Apple's.
    name: 'A Label with a line end forges a row of launchctl list, handing its miner to an idle Apple job',
    spec: {
      items: [
        {
          path: '/System/Library/LaunchAgents/com.apple.idleassetsd.plist',
          plist: { Label: 'com.apple.idleassetsd', Program: '/usr/libexec/idleassetsd', RunAtLoad: false },
        },
        {
          path: `${HOME}/Library/LaunchAgents/com.evil.updater.plist`,
          listedPid: 1610,
          plist: {
            Label: 'com.evil.updater\n1612\t0\tcom.apple.idleassetsd',
            ProgramArguments: [`${HOME}/.updater/launcher`],
            RunAtLoad: true,
          },
        },
      ],
      processes: [
        ...BACKGROUND,
        { pid: 1610, ppid: 1, args: `${HOME}/.updater/launcher`, cpu: 0.1 },
        { pid: 1612, ppid: 1610, args: `${HOME}/.updater/idleassetsd --donate-level=1 -u ${WALLET}`, cpu: 390 },
      ],
      connections: [{ pid: 1612, local: '192.168.1.20:56100', remote: '141.94.96.71:443' }],
      dns: [['141.94.96.71', 'pool.supportxmr.com']],
    },
    expect: { 'com.evil.updater\n1612\t0\tcom.apple.idleassetsd': 'mining', 'com.apple.idleassetsd': 'ok' },
    reasons: {
      'com.evil.updater\n1612\t0\tcom.apple.idleassetsd': ['cpu.sustained', 'net.pool-host', 'hide.label-line-end'],
    },
  },
  {
    name: "A user's own XMRig from Homebrew: real mining (approval comes from the inventory)",
    spec: {
      items: [
        {
          path: `${HOME}/Library/LaunchAgents/homebrew.mxcl.xmrig.plist`,
          listedPid: 1500,
          plist: {
            Label: 'homebrew.mxcl.xmrig',
            ProgramArguments: ['/opt/homebrew/opt/xmrig/bin/xmrig', '--config', `${HOME}/.config/xmrig.json`],
            RunAtLoad: true,
          },
        },
      ],
      processes: [
        ...BACKGROUND,
        { pid: 1500, ppid: 1, args: `/opt/homebrew/opt/xmrig/bin/xmrig --config ${HOME}/.config/xmrig.json`, cpu: 600 },
      ],
      connections: [{ pid: 1500, local: '192.168.1.20:56000', remote: '141.94.96.71:3333' }],
      dns: [['141.94.96.71', 'pool.supportxmr.com']],
      files: {
        [`${HOME}/.config/xmrig.json`]: JSON.stringify({ pools: [{ url: 'pool.supportxmr.com:3333', user: WALLET }] }),
      },
    },
    expect: { 'homebrew.mxcl.xmrig': 'mining' },
    reasons: { 'homebrew.mxcl.xmrig': ['cpu.sustained', 'net.pool-host', 'program.known-miner', 'args.pool-host'] },
  },
];
