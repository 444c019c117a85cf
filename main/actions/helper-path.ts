// Where assets/launchwatch-helper.sh is: beside the sources (tsx) and the bundle (dist/main) alike, two
// folders up. In the packaged app it is unpacked from app.asar (electron-builder.yml), because /bin/sh
// cannot read inside an archive.
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export function defaultHelperPath(): string {
  const path = fileURLToPath(new URL('../../assets/launchwatch-helper.sh', import.meta.url));
  return path.replace(`${sep}app.asar${sep}`, `${sep}app.asar.unpacked${sep}`);
}

/** Where the helper's hold keeps an administrator's files (assets/launchwatch-helper.sh, HELD), for messages. */
export function adminQuarantineDir(platform: NodeJS.Platform = process.platform): string {
  return platform === 'darwin'
    ? '/Library/Application Support/Launchwatch/Quarantine'
    : '/var/lib/launchwatch/quarantine';
}
