// `Launchwatch.app/Contents/Resources/launchwatch scan --json`: the same command line as `npm run scan`,
// run by the app's own binary with no window, tray or Dock icon, for MDM scripts. The RunAsNode fuse is
// off, so the binary cannot be used as plain Node: this flag is the only way in, and it runs nothing but
// the CLI's own commands.
export const HEADLESS_FLAG = '--cli';

/** The CLI's arguments when the app was started headless, else undefined. */
export function headlessArgs(argv: string[]): string[] | undefined {
  const at = argv.indexOf(HEADLESS_FLAG);
  return at < 0 ? undefined : argv.slice(at + 1);
}
