import { memo, useState, type FormEvent } from 'react';
import type { LaunchwatchApi, ScanOptionsInput } from '../../../main/api/contract';

/**
 * The two knobs of "sustained high CPU" (the same as scan's --window and --cpu-threshold). Drawn again only
 * when the options change, not with every snapshot (each brings a new options object).
 */
export const ScanSettings = memo(
  ScanSettingsForm,
  (a, b) =>
    a.api === b.api &&
    a.open === b.open &&
    a.options.windowSeconds === b.options.windowSeconds &&
    a.options.cpuThresholdPercent === b.options.cpuThresholdPercent,
);

function ScanSettingsForm({
  api,
  options,
  open,
}: {
  api: LaunchwatchApi;
  options: ScanOptionsInput;
  /** Shown expanded (the Settings panel) rather than folded (the status bar). */
  open?: boolean;
}) {
  const [windowSeconds, setWindow] = useState(String(options.windowSeconds));
  const [threshold, setThreshold] = useState(String(options.cpuThresholdPercent));
  const [error, setError] = useState<string | undefined>();
  const apply = (event: FormEvent) => {
    event.preventDefault();
    const next = { windowSeconds: Number(windowSeconds), cpuThresholdPercent: Number(threshold) };
    if (
      !Number.isFinite(next.windowSeconds) ||
      next.windowSeconds < 10 ||
      !Number.isFinite(next.cpuThresholdPercent) ||
      next.cpuThresholdPercent < 1
    ) {
      setError('The window is at least 10 s and the threshold at least 1%.');
      return;
    }
    setError(undefined);
    api.setOptions(next).catch((e: Error) => setError(e.message));
  };
  return (
    <details className="settings" open={open}>
      <summary>
        Sustained: {options.cpuThresholdPercent}% over {options.windowSeconds} s
      </summary>
      <form onSubmit={apply} className="settings-form">
        <label>
          Window{' '}
          <input
            type="number"
            min={10}
            max={86400}
            value={windowSeconds}
            onChange={(e) => setWindow(e.target.value)}
            aria-label="Window in seconds"
          />{' '}
          s
        </label>
        <label>
          Threshold{' '}
          <input
            type="number"
            min={1}
            max={10000}
            value={threshold}
            onChange={(e) => setThreshold(e.target.value)}
            aria-label="CPU threshold in percent of one core"
          />{' '}
          % of a core
        </label>
        <button type="submit">Apply</button>
        {error ? (
          <span className="refusal" role="alert">
            {error}
          </span>
        ) : null}
      </form>
    </details>
  );
}
