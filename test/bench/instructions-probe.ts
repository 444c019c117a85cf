// Run under callgrind by `npm run bench`: parse, attribute and judge the first N samples of a capture.
// Two runs with different N give the instructions a sample costs, whatever the machine's load.
//   node dist/bench/instructions-probe.mjs <capture dir> <samples>
import { readFileSync } from 'node:fs';
import { Analyzer } from '../../main/engine/analyzer';
import { readCapture } from '../../main/platform/capture/capture-reader';
import { assembleSample } from '../../main/platform/macos/assemble';

const [dir = '', countText = '10'] = process.argv.slice(2);
const capture = await readCapture(dir);
const analyzer = new Analyzer(capture.inventory, { windowSeconds: 120, cpuThresholdPercent: 25 });
let flagged = 0;
for (const s of capture.manifest.samples.slice(0, Number(countText))) {
  const ps = readFileSync(`${dir}/${s.dir}/ps.txt`, 'utf8');
  const lsof = readFileSync(`${dir}/${s.dir}/lsof.txt`, 'utf8');
  analyzer.addSample(assembleSample(Date.parse(s.takenAt), ps, lsof).sample);
  flagged = analyzer.verdicts().filter((v) => v.verdict === 'mining').length;
}
process.stdout.write(`${flagged}\n`);
