import { memo } from 'react';
import type { LaunchwatchApi } from '../../../main/api/contract';
import type { Outcome } from './ActionsPanel';
import { GearMenu } from './GearMenu';
import type { Theme } from './SettingsPanel';

/**
 * The window's title, theme switch and gear menu. Given only what they show, so the updates that arrive
 * every few seconds (which draw App again) do not draw it.
 */
export const AppHeader = memo(function AppHeader({
  api,
  theme,
  onTheme,
  capture,
  actionsAvailable,
  onOutcome,
  onOpenSettings,
}: {
  api: LaunchwatchApi;
  theme: Theme;
  onTheme: (theme: Theme) => void;
  capture: boolean;
  actionsAvailable: boolean;
  onOutcome: (outcome: Outcome) => void;
  onOpenSettings: () => void;
}) {
  const other = theme === 'dark' ? 'light' : 'dark';
  return (
    <header className="app-header">
      <h1>Launchwatch</h1>
      <span className="header-buttons">
        <button
          type="button"
          className="theme-toggle"
          onClick={() => onTheme(other)}
          aria-label={`Switch to ${other} mode`}
        >
          {theme === 'dark' ? '☀' : '☾'}
        </button>
        <GearMenu
          api={api}
          capture={capture}
          actionsAvailable={actionsAvailable}
          onOutcome={onOutcome}
          onOpenSettings={onOpenSettings}
        />
      </span>
    </header>
  );
});
