// Run by a test as another user (util-linux setpriv), so the kernel's own refusals (EACCES) reach the macOS live
// reader: reads the fake Mac at argv[2] with the command shims in argv[3], and prints each item's label and problems
// as JSON.
import { MacLiveReader } from '../../main/platform/macos/live-reader';

const [root, shimDir] = process.argv.slice(2);
const reader = new MacLiveReader({
  root: root as string,
  home: '/Users/alice',
  uid: 501,
  userName: 'alice',
  resolveNames: false,
  env: { PATH: `${shimDir}:/usr/bin:/bin` },
});
const inventory = await reader.readInventory();
process.stdout.write(JSON.stringify(inventory.items.map((item) => ({ label: item.label, problems: item.problems }))));
