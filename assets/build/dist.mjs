// `npm run dist`: package the Mac app. With signing credentials (CSC_LINK or CSC_NAME) electron-builder
// signs with that Developer ID, and with Apple API key variables it also notarizes. Without them the app
// is signed ad hoc: an unsigned app is refused when downloaded and gets no notifications, and
// electron-builder has no ad-hoc fallback of its own (identity "-" opts in; the hardened runtime then
// needs a real identity, so it is off for ad-hoc builds).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The electron-builder arguments for this environment (extra arguments, such as --dir, pass through). */
export function distArgs(env, extra = []) {
  const args = ['--mac', ...extra];
  const developerId = Boolean(env.CSC_LINK || env.CSC_NAME);
  if (!developerId) args.push('-c.mac.identity=-', '-c.mac.hardenedRuntime=false');
  const apiKey = Boolean(env.APPLE_API_KEY && env.APPLE_API_KEY_ID && env.APPLE_API_ISSUER);
  args.push(`-c.mac.notarize=${developerId && apiKey}`);
  return args;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = distArgs(process.env, process.argv.slice(2));
  process.stderr.write(`electron-builder ${args.join(' ')}\n`);
  const run = spawnSync('electron-builder', args, { stdio: 'inherit', shell: false });
  process.exit(run.status ?? 1);
}
