#!/usr/bin/env node
// Stands in for /usr/libexec/PlistBuddy's `-c "Print :Key:0" file` on machines without it, answering as
// PlistBuddy(8) does: a string, number or boolean prints as itself on one line; a dict prints as "Dict {"
// then "key = value" lines indented four spaces more and "}", an array as "Array {" likewise; an entry
// that is not there prints `Print: Entry, ":Key", Does Not Exist` on stderr and exits 1, as does a file
// that is not a property list.
import { readFileSync } from 'node:fs';
import { parse, parseBinary } from '../../node_modules/plist/dist/index.js';

const [flag, command, file] = process.argv.slice(2);
const match = /^Print :(.+)$/.exec(command ?? '');
if (flag !== '-c' || !match || !file) {
  process.stderr.write('usage: PlistBuddy -c "Print :Key" file\n');
  process.exit(1);
}

function show(value, depth) {
  const pad = '    '.repeat(depth);
  if (Array.isArray(value)) return `Array {\n${value.map((v) => `${pad}    ${show(v, depth + 1)}\n`).join('')}${pad}}`;
  if (value instanceof Date) return value.toString();
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (typeof value === 'object' && value !== null)
    return `Dict {\n${Object.entries(value)
      .map(([k, v]) => `${pad}    ${k} = ${show(v, depth + 1)}\n`)
      .join('')}${pad}}`;
  return String(value);
}

let value;
try {
  const bytes = readFileSync(file);
  value =
    bytes.subarray(0, 8).toString('latin1') === 'bplist00'
      ? parseBinary(bytes)
      : parse(bytes.toString('utf8').trimStart());
} catch {
  process.stderr.write(`Error Reading File: ${file}\n`);
  process.exit(1);
}
for (const key of match[1].split(':')) {
  value =
    value == null || typeof value !== 'object'
      ? undefined
      : Array.isArray(value)
        ? /^\d+$/.test(key)
          ? value[Number(key)]
          : undefined
        : Object.hasOwn(value, key)
          ? value[key]
          : undefined;
}
if (value === undefined) {
  process.stderr.write(`Print: Entry, ":${match[1]}", Does Not Exist\n`);
  process.exit(1);
}
process.stdout.write(`${show(value, 0)}\n`);
