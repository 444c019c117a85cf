// How a live scan shows it is working: on a terminal, a bar that redraws in place (cli-progress); piped or
// redirected (a fleet's log, CI), one plain line a sample, so nothing in a log is an escape sequence.
import { SingleBar } from 'cli-progress';

export interface Progress {
  /** `done` of `total` samples taken. */
  update(done: number, total: number): void;
  stop(): void;
}

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export function progressOn(stream: ProgressStream | undefined, plain: (text: string) => void): Progress {
  if (!stream?.isTTY) {
    return { update: (done, total) => plain(`sample ${done} of ${total}\n`), stop: () => undefined };
  }
  const bar = new SingleBar({
    stream: stream as NodeJS.WritableStream,
    format: 'sampling [{bar}] {value} of {total} samples, about {eta_formatted} left',
    barCompleteChar: '#',
    barIncompleteChar: '-',
    hideCursor: true,
    clearOnComplete: true,
    // Redrawn when a sample is in, not on a timer: a scan samples every few seconds.
    noTTYOutput: false,
    fps: 1,
  });
  let started = false;
  return {
    update(done, total) {
      if (!started) bar.start(total, 0);
      started = true;
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
