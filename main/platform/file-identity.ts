// What tells a file's version without reading it, for caches that must not be fooled: size and mtime
// alone are not enough, since a file's owner can rewrite it in place and set its mtime back (touch -r,
// utimes). The ctime moves with every change of content or metadata and cannot be set by the owner.
import type { Stats } from 'node:fs';

export function fileIdentity(info: Stats): string {
  return `${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}:${info.ctimeMs}`;
}
