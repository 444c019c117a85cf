#!/usr/bin/env node
// Stands in for /usr/libexec/PlistBuddy's `-c "Print :Key:0" file` on machines without it.
import { readFileSync } from 'node:fs';
import { parse, parseBinary } from '../../node_modules/plist/dist/index.js';

const [flag, command, file] = process.argv.slice(2);
const match = /^Print :(.+)$/.exec(command ?? '');
if (flag !== '-c' || !match || !file) {
  process.stderr.write('usage: PlistBuddy -c "Print :Key" file\n');
  process.exit(1);
}
const bytes = readFileSync(file);
let value =
  bytes.subarray(0, 8).toString('latin1') === 'bplist00'
    ? parseBinary(bytes)
    : parse(bytes.toString('utf8').trimStart());
for (const key of match[1].split(':')) {
  value = value == null ? undefined : Array.isArray(value) ? value[Number(key)] : value[key];
}
if (value === undefined) {
  process.stderr.write(`Print: Entry, ":${match[1]}", Does Not Exist\n`);
  process.exit(1);
}
process.stdout.write(`${typeof value === 'object' ? JSON.stringify(value) : String(value)}\n`);
