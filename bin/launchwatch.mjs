#!/usr/bin/env node
// `launchwatch`: the command line (`npm link` puts it on PATH). It runs the built bundle (npm run build)
// when there is one, which starts in a fraction of a second, else the TypeScript sources through tsx.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const bundle = fileURLToPath(new URL('../dist/cli/launchwatch.mjs', import.meta.url));
let main;
if (existsSync(bundle)) ({ main } = await import(pathToFileURL(bundle).href));
else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../main/cli.ts'));
}
// A reader that stops early (`launchwatch scan --json | head`) closes the pipe. That is not an internal
// error: stop at once, quietly, with the status a program killed by SIGPIPE has (128 + 13), as `cat` or
// `yes` would under `set -o pipefail`, never a status that could read as a clean scan.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(141);
  });
const io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  // On a terminal, a live scan draws its progress as a bar here.
  stderrStream: process.stderr,
};
try {
  process.exitCode = await main(process.argv.slice(2), io);
} catch (error) {
  process.stderr.write(
    `launchwatch: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 2;
}
