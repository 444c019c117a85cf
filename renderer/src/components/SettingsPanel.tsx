import { useEffect, useRef } from 'react';
import type { LaunchwatchApi, ScanOptionsInput } from '../../../main/api/contract';
import { ScanSettings } from './ScanSettings';

export type Theme = 'light' | 'dark';

/** Settings, from the gear: what "sustained" means, and the look. Remembered choices apply at once. */
export function SettingsPanel({
  api,
  options,
  theme,
  onTheme,
  onClose,
}: {
  api: LaunchwatchApi;
  options: ScanOptionsInput;
  theme: Theme;
  onTheme: (theme: Theme) => void;
  onClose: () => void;
}) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);
  return (
    <section
      className="settings-panel"
      aria-labelledby="settings-title"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onClose();
        }
      }}
    >
      <h2 id="settings-title" tabIndex={-1} ref={headingRef}>
        Settings
      </h2>
      <fieldset>
        <legend>Appearance</legend>
        {(['light', 'dark'] as const).map((t) => (
          <label key={t}>
            <input type="radio" name="theme" checked={theme === t} onChange={() => onTheme(t)} />{' '}
            {t === 'light' ? 'Light' : 'Dark'}
          </label>
        ))}
      </fieldset>
      <ScanSettings api={api} options={options} open />
      <button type="button" onClick={onClose}>
        Done
      </button>
    </section>
  );
}
