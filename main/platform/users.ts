// Whom a process runs as, by name: the machine's list of users, read from the stock source on each
// platform and parsed here. A line that is not a user is skipped; the list is bounded.

const MAX_USERS = 100_000;
const MAX_NAME = 255;

/**
 * `dscl . -list /Users UniqueID` (macOS): one user a line, the record name, spaces, the uid
 * ("_www                     70", "alice                    501", "nobody                   -2"). Scripts
 * everywhere read it as two whitespace-separated fields (index file ids 5784287937, 11423736852).
 */
export function parseDsclUniqueIds(text: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const line of text.split('\n')) {
    if (names.size >= MAX_USERS) break;
    const fields = line.trim().split(/\s+/);
    if (fields.length !== 2) continue;
    const [name, id] = fields as [string, string];
    if (!/^-?\d{1,10}$/.test(id) || name.length === 0 || name.length > MAX_NAME) continue;
    const uid = Number(id);
    // The first name for a uid wins (a uid can be shared, as root and a system alias are).
    if (!names.has(uid)) names.set(uid, name);
  }
  return names;
}

/** /etc/passwd (Linux): `name:password:uid:gid:gecos:home:shell`, each entry that is one, at most MAX_USERS. */
function passwdEntries(text: string): { name: string; id: string; home: string }[] {
  const entries: { name: string; id: string; home: string }[] = [];
  for (const line of text.split('\n')) {
    if (entries.length >= MAX_USERS) break;
    if (line.startsWith('#')) continue;
    const fields = line.split(':');
    const [name, , id, , , home = ''] = fields;
    if (fields.length < 7 || !name || name.length > MAX_NAME || !/^\d{1,10}$/.test(id ?? '')) continue;
    entries.push({ name, id: id as string, home });
  }
  return entries;
}

/** /etc/passwd's user names by uid. */
export function parsePasswd(text: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const { name, id } of passwdEntries(text)) {
    const uid = Number(id);
    if (!names.has(uid)) names.set(uid, name);
  }
  return names;
}

/** /etc/passwd's home folders, by user name and by uid (as text): User= in a systemd unit may give either. */
export function parsePasswdHomes(text: string): Map<string, string> {
  const homes = new Map<string, string>();
  for (const { name, id, home } of passwdEntries(text)) {
    if (!home.startsWith('/')) continue;
    // The first entry for a name or uid wins, as getpwnam(3) and getpwuid(3) find it.
    if (!homes.has(name)) homes.set(name, home);
    if (!homes.has(id)) homes.set(id, home);
  }
  return homes;
}
