// A launch item that decrypts its command with openssl (`echo U2FsdGVkX1... | openssl enc -aes-256-cbc -d -a -A -k
// <key> | sh`, as Shlayer's scripts decrypt their payload) shows nothing on its command line, not even base64 that
// decodes. With the key and the data on the command line it is decrypted as openssl would (openssl-decryption.ts), so
// its pool and wallet count; without them the item is looked at harder.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { replay } from '../../main/cli/scan-command';
import { decodedShellText } from '../../main/engine/encoded-commands';
import { DEFAULT_SCAN_OPTIONS } from '../../main/engine/model';
import { decodedScriptLines } from '../../main/engine/referenced-files';
import { writeCapture } from '../support/capture-builder';

const WALLET = '44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A';
const PAYLOAD = `exec ~/.k/kworker -o pool.supportxmr.com:443 -u ${WALLET}`;

// Verbatim output of OpenSSL 3.0.19 (Debian), PAYLOAD in /tmp/payload.txt, each made by the command above it. The -md
// md5 ones are what macOS's LibreSSL writes by default (its enc.c: `dgst = EVP_md5()`) and OpenSSL before 1.1.0.
const FIXTURES: { name: string; blob: string; decrypt: string }[] = [
  {
    // openssl enc -aes-256-cbc -a -A -salt -k 'S3cr3t!' -in /tmp/payload.txt
    name: 'salted, the SHA-256 digest of OpenSSL 1.1.0 and later',
    blob: [
      'U2FsdGVkX19fsxFLZvwEVOgoxpL08l94PuroE490ZqXSEKYgz35uXyHa2JzCkV32lzu937aaBVyRZpi7/pOvw31nVbcSufNR',
      '/Hq89EqfgXih9j04KloT3OZlhxBTyUKGm6/DXjll0o5LwfwTJ1vzt0B0v474oywEbnW6EB2Bi3EhTbPmLEqbJCwtdu2+pfuq',
      'DWeTwt6lDTL4krS9dQ3ZVA==',
    ].join(''),
    decrypt: `openssl enc -aes-256-cbc -d -a -A -k 'S3cr3t!'`,
  },
  {
    // openssl enc -aes-256-cbc -a -A -md md5 -k 'S3cr3t!' -in /tmp/payload.txt
    name: "salted, LibreSSL's MD5 digest, decrypted without -md as a Mac would",
    blob: [
      'U2FsdGVkX18xYMl5Z5y/dpjIz8lPAkpouuY2lr4Th7GEbzkmctP4WRZCjNF/EGwMFCrQCP38j30EkAFcbWvOSAc08YMiAHyl',
      'Lj3eZCYAhqpVpsrBP/RrcVtkjo7G/Qzn905lo3LlIwE/Sk8PBfD2MqHqFYtz9MefgfL7keiFN/EDQiqqvtNDRKFb+UJAqyuc',
      'XUQMvLQK7nOwjF6/vFdeCA==',
    ].join(''),
    decrypt: `openssl enc -aes-256-cbc -d -a -A -k 'S3cr3t!'`,
  },
  {
    // openssl enc -aes-256-cbc -a -A -md md5 -nosalt -pass pass:2526727044 -in /tmp/payload.txt
    name: 'no salt, a -pass pass: key',
    blob: [
      '7BhqZqn7hR3scWjJuL6tuuQ6OhBHyjcH1evH1Kr7S8a3tN/wghkmuZ4L9kKgdC3y1GFSzJMhVkXd+h9Y3fVTmQw9QsFT+xOz',
      'DBsqheYFXZA71hbGVuzx6WGHAcZbGOJRhs80vmNn1MgxejUwW6ha21upDg9WWUzliOXx9wNiWnISD8rOmBr5FPiNwEM39X5T',
    ].join(''),
    decrypt: 'openssl enc -base64 -d -aes-256-cbc -nosalt -pass pass:2526727044',
  },
  {
    // openssl aes-128-cbc -a -pbkdf2 -iter 2000 -k pw -in /tmp/payload.txt (64 characters a line, as written)
    name: 'PBKDF2 with -iter, the cipher as the command, base64 over lines',
    blob: [
      'U2FsdGVkX18QSgJv62otYiu7wIlDx7f/Fs+VI8cBjffw4c8PPE5Ihp8Gu94LvEd0',
      'DRkOuRMAq4l26mkmJ3J+5TRljrWcSZ5ZfYjiiwPkv5wtM4kxKi4IoOzz7dCTLBhs',
      'CJ5RnwUjtD4q4LFyqpJpwJhb8TGNmRVqAIKiSEViClCf3y0B+US95Ck5rTH3zZlO',
      'j19ZHIVEePyWPBNivvDHUA==',
    ].join('\n'),
    decrypt: 'openssl aes-128-cbc -d -a -pbkdf2 -iter 2000 -k pw',
  },
  {
    // openssl enc -aes-256-ctr -a -A -K 000102...1e1f -iv 0f0e...0100 -in /tmp/payload.txt
    name: 'a hex -K and -iv in CTR mode',
    blob: [
      'F8mGW2wNYAUYha+95TDuxJ1dbEXhpKiYV8UNIJOs5ZN6Xz7kEK/Le81kIlGvHlFHeIZkPPFwV4roE1eSSoXEeWH/fkAx76wU',
      'J92mzXuexGwBFiuCOHjsfnA5l0fNDrdbPx8GKdid93VsIu9zcevL9H7ogZsMUjdExP42MEB5nMfsWGHW/NWIEpcB/iyuzGU=',
    ].join(''),
    decrypt: [
      'openssl enc -aes-256-ctr -d -a -A',
      '-K 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
      '-iv 0f0e0d0c0b0a09080706050403020100',
    ].join(' '),
  },
  {
    // openssl des3 -a -A -md md5 -k legacy -in /tmp/payload.txt
    name: 'triple DES by its alias',
    blob: [
      'U2FsdGVkX18T1PTw1Yqy94W/0iIE/ELPhFFa4C+Uwk5COGb+KFj/BuXIe65jklFoZn80h6JIOlSpwQHNBNj4aFNhFcmil2ub',
      'JrB2ZTBGz5ktkaZ+fbRpHMCxodK4BpJ7m3Y7KNGV22zJ8P+GwxWzJdP0zOn8DaoIN4YTF+n4BbP0j6QZS1Sdnq9VxiyEggHw',
      'K6uSS24HEix+ISbnbaTn1Q==',
    ].join(''),
    decrypt: 'openssl des3 -d -a -A -k legacy',
  },
];

const SALTED = FIXTURES[0] as (typeof FIXTURES)[number];

describe('openssl enc -d with its key on the command line', () => {
  it.each(FIXTURES)('decrypts what openssl wrote: $name', ({ blob, decrypt }) => {
    const decoded = decodedShellText(`echo '${blob}' | ${decrypt} | sh`);
    expect(decoded).toEqual({ texts: [PAYLOAD], runs: true });
  });

  it('decrypts inside eval "$(...)", from a variable, and from a here-string', () => {
    for (const command of [
      `eval "$(echo ${SALTED.blob} | ${SALTED.decrypt})"`,
      `D=${SALTED.blob}; echo $D | ${SALTED.decrypt} | /bin/bash`,
      `${SALTED.decrypt} <<< ${SALTED.blob} | zsh`,
    ])
      expect(decodedShellText(command).texts, command).toEqual([PAYLOAD]);
  });

  it('opens every cipher, digest and key form as the real openssl writes them', () => {
    // The openssl on this machine encrypts random text; the reader must open each as `openssl enc -d` would.
    const forms: string[][] = [
      ['-aes-256-cbc', '-k', 'p@ss word'],
      ['-aes-192-cbc', '-md', 'md5', '-k', 'k'],
      ['-aes-128-ecb', '-nosalt', '-pass', 'pass:x'],
      ['-aes-256-cfb', '-pbkdf2', '-pass', 'pass:y'],
      ['-aes-256-ofb', '-iter', '1234', '-md', 'sha512', '-k', 'z'],
      ['-aes-128-ctr', '-K', 'a1b2', '-iv', '0c'],
    ];
    for (const form of forms) {
      const text = `exec /tmp/${randomBytes(12).toString('hex')} --donate-level 1`;
      const blob = execFileSync('openssl', ['enc', ...form, '-a', '-A'], { input: text, stdio: 'pipe' }).toString();
      const options = form.map((word) => `'${word}'`).join(' ');
      const decoded = decodedShellText(`echo ${blob.trim()} | openssl enc -d -a -A ${options} | sh`);
      expect(decoded.texts, form.join(' ')).toEqual([text]);
    }
  });

  it('reads a script line by line as it does base64 pipelines', () => {
    const script = `#!/bin/bash\ncd "$(dirname "$0")"\necho ${SALTED.blob} | \\\n  ${SALTED.decrypt} | bash\n`;
    expect(decodedScriptLines(script)).toEqual({ lines: [['/bin/sh', '-c', PAYLOAD]], runs: true });
  });

  it('reads the data openssl -a wrote over lines in a here-document or a quoted string of a script', () => {
    // openssl writes base64 64 characters a line unless -A; a script pastes it as it came, in a here-document or
    // between quotes, and the shell hands openssl the lines with their line ends.
    const wrapped = FIXTURES[3] as (typeof FIXTURES)[number];
    const scripts = [
      `#!/bin/sh\n${wrapped.decrypt} <<'EOF' | sh\n${wrapped.blob}\nEOF\necho done\n`,
      `#!/bin/sh\nif true; then\n\t${wrapped.decrypt} <<-EOF | sh\n\t${wrapped.blob.replaceAll('\n', '\n\t')}\n\tEOF\nfi\n`,
      `#!/bin/bash\nD='${wrapped.blob}'\necho "$D" | ${wrapped.decrypt} | bash\n`,
      `#!/bin/bash\necho "${wrapped.blob}" | ${wrapped.decrypt} | bash\n`,
    ];
    for (const script of scripts)
      expect(decodedScriptLines(script), script).toEqual({ lines: [['/bin/sh', '-c', PAYLOAD]], runs: true });
  });

  it('does nothing with a command that encrypts, or that only names openssl', () => {
    expect(decodedShellText(`echo secret | openssl enc -aes-256-cbc -a -k pw > /tmp/x`)).toEqual({
      texts: [],
      runs: false,
    });
    expect(decodedShellText('openssl s_client -connect example.com:443 | sh')).toEqual({ texts: [], runs: false });
    expect(decodedShellText('/usr/local/bin/myopenssl enc -d -aes-256-cbc -k pw | sh').unread).toBeUndefined();
  });
});

describe('openssl enc -d that cannot be decrypted from its command line', () => {
  const unreadOf = (command: string): string | undefined => decodedShellText(command).unread;

  it('says why, so the item is looked at harder', () => {
    const cases: [string, string][] = [
      [
        `echo ${SALTED.blob} | openssl enc -aes-256-cbc -d -a -A -k "$KEY" | sh`,
        'text it decrypts with openssl (aes-256-cbc): its key is made when it runs ($KEY)',
      ],
      [
        `eval "$(openssl enc -base64 -d -aes-256-cbc -nosalt -pass pass:2526727044 <"$fileDir"/Resources/enc)"`,
        'text it decrypts with openssl (aes-256-cbc) from $fileDir/Resources/enc',
      ],
      [
        `openssl enc -d -aes-256-cbc -a -k wrong <<< ${SALTED.blob} | sh`,
        'text it decrypts with openssl (aes-256-cbc): no data on its command line opens with its key',
      ],
      [
        `echo ${SALTED.blob} | openssl enc -aes-256-cbc -d -a -pass env:K | sh`,
        'text it decrypts with openssl (aes-256-cbc): its key is read from env:K',
      ],
      [
        `openssl enc -d -aes-256-cbc -a -kfile /etc/.k -in /tmp/p | sh`,
        'text it decrypts with openssl (aes-256-cbc): its key is read from file:/etc/.k',
      ],
      [
        `openssl enc -d -aes-256-cbc -a < /tmp/p | sh`,
        'text it decrypts with openssl (aes-256-cbc): its key is not on its command line',
      ],
      [
        `echo ${SALTED.blob} | openssl enc -aes-256-cbc -d -a -A -k wrong | sh`,
        'text it decrypts with openssl (aes-256-cbc): no data on its command line opens with its key',
      ],
      [
        `echo ${SALTED.blob} | ${SALTED.decrypt} -md sha1 | sh`,
        'text it decrypts with openssl (aes-256-cbc): no data on its command line opens with its key',
      ],
      [
        `echo ${SALTED.blob} | openssl enc -d -a -aes-256-cbc -pbkdf2 -iter 50000000 -k x | sh`,
        'text it decrypts with openssl (aes-256-cbc): its key takes more rounds than are run (-iter)',
      ],
      [
        `echo ${SALTED.blob} | openssl enc -d -a -aes-999-cbc -k x | sh`,
        'text it decrypts with openssl (aes-999-cbc): its cipher aes-999-cbc is not one this reader runs',
      ],
      [
        `echo ${SALTED.blob} | openssl AES-999-CBC -d -a -k x | sh`,
        'text it decrypts with openssl (aes-999-cbc): its cipher aes-999-cbc is not one this reader runs',
      ],
      [
        `echo ${SALTED.blob} | openssl enc -d -a -aes-256-gcm -k x | sh`,
        'text it decrypts with openssl (aes-256-gcm): its cipher aes-256-gcm is not one this reader runs',
      ],
    ];
    for (const [command, unread] of cases) expect(unreadOf(command), command).toBe(unread);
  });

  it('says it runs what it decrypts even when it cannot read it', () => {
    expect(decodedShellText('openssl aes-256-cbc -d -a -in /tmp/p -k "$(hostname)" | sh').runs).toBe(true);
  });

  it('stops at a bound of work: decoys first do not stall it, and are said', () => {
    // 100 words of 24 KiB that open with no key, each tried with both digests: past the 4 MiB decrypted for a text.
    const decoys = Array.from({ length: 100 }, () => randomBytes(24 * 1024).toString('base64'));
    const command = `echo ${decoys.join(' ')} ${SALTED.blob} | openssl enc -d -aes-256-cbc -a -nosalt -k x | sh`;
    const decoded = decodedShellText(command);
    expect(decoded.unread).toBe('more encrypted data than is decrypted (openssl aes-256-cbc)');
  });
});

describe('a script that sets its payload or key in a variable first', () => {
  it('puts a literal value in where a later line uses it, for openssl and base64 alike', () => {
    const b64 = Buffer.from('exec /tmp/.x/kworker -o pool.hashvault.pro:443').toString('base64');
    const script = [
      '#!/bin/bash',
      `D='${SALTED.blob}'`,
      "export K='S3cr3t!'",
      'echo "$D" | openssl enc -aes-256-cbc -d -a -A -k "${K}" | bash',
      `P=${b64}`,
      'echo $P | base64 -D | sh',
    ].join('\n');
    expect(decodedScriptLines(script).lines).toEqual([
      ['/bin/sh', '-c', PAYLOAD],
      ['/bin/sh', '-c', 'exec /tmp/.x/kworker -o pool.hashvault.pro:443'],
    ]);
  });

  it('leaves a value made when the script runs as it is, and a later value replaces an earlier one', () => {
    const script = [
      `K='S3cr3t!'`,
      'K="$(ioreg -l | grep IOPlatformUUID)"',
      `echo ${SALTED.blob} | openssl enc -aes-256-cbc -d -a -A -k "$K" | sh`,
    ].join('\n');
    expect(decodedScriptLines(script)).toEqual({
      lines: [],
      runs: true,
      unread: 'a line with text it decrypts with openssl (aes-256-cbc): its key is made when it runs ($K)',
    });
  });

  it('stops putting values in past a bound and says so', () => {
    // A 200 KiB value used 50 times a line over 10 lines is 100 MiB of text: past the 8 MiB put in for a script.
    const uses = ' $X'.repeat(50);
    const script = [`X=${'A'.repeat(200 * 1024)}`, ...Array.from({ length: 10 }, () => `echo${uses} | base64 -d | sh`)];
    expect(decodedScriptLines(script.join('\n')).unread).toBe(
      'more text in variables than is put in where they are used',
    );
  });

  it('knows the variables a command sets before its openssl', () => {
    const command = `K='S3cr3t!'; D=${SALTED.blob}; echo $D | openssl enc -aes-256-cbc -d -a -A -pass "pass:$K" | sh`;
    expect(decodedShellText(command).texts).toEqual([PAYLOAD]);
  });
});

async function replayAgent(programArguments: string[], files?: Record<string, string>) {
  const label = 'com.adobe.flash.updater';
  const result = await replay(
    writeCapture({
      items: [
        {
          path: `/Users/alice/Library/LaunchAgents/${label}.plist`,
          plist: { Label: label, ProgramArguments: programArguments, RunAtLoad: true },
        },
      ],
      processes: [
        { pid: 1, ppid: 0, uid: 0, args: '/sbin/launchd', cpu: 0.5 },
        { pid: 940, ppid: 1, uid: 501, args: '/Users/alice/.k/kworker', cpu: 96 },
      ],
      ...(files ? { files } : {}),
    }),
    DEFAULT_SCAN_OPTIONS,
  );
  return result.items.find((i) => i.item.label === label);
}

describe('a launch agent that decrypts its command', () => {
  it('is mining when the decrypted command names a pool and a wallet and its program is busy', async () => {
    const item = await replayAgent(['/bin/sh', '-c', `echo ${SALTED.blob} | ${SALTED.decrypt} | sh`]);
    const codes = item?.reasons.map((r) => r.code) ?? [];
    expect(codes).toEqual(expect.arrayContaining(['hide.encoded-command', 'args.pool-host', 'args.wallet']));
    expect(item?.processes.map((p) => p.pid)).toEqual([940]);
    expect(item?.verdict).toBe('mining');
  });

  it('is mining when the script it runs decrypts it', async () => {
    const script = `#!/bin/bash\nD='${SALTED.blob}'\necho "$D" | ${SALTED.decrypt} | bash\n`;
    const item = await replayAgent(['/bin/bash', '/Users/alice/.k/update.sh'], { '/Users/alice/.k/update.sh': script });
    expect(item?.reasons.map((r) => r.code)).toEqual(expect.arrayContaining(['args.pool-host', 'args.wallet']));
    expect(item?.verdict).toBe('mining');
  });

  it('is looked at harder when its key is not on its command line: suspicious, saying why', async () => {
    const item = await replayAgent([
      '/bin/sh',
      '-c',
      `echo ${SALTED.blob} | openssl enc -d -aes-256-cbc -a -k "$K" | sh`,
    ]);
    const incomplete = item?.reasons.find((r) => r.code === 'analysis.incomplete');
    expect(incomplete?.text).toContain(
      'text it decrypts with openssl (aes-256-cbc): its key is made when it runs ($K)',
    );
    expect(item?.reasons.map((r) => r.code)).toContain('hide.encoded-command');
    expect(item?.verdict).toBe('suspicious');
  });
});
