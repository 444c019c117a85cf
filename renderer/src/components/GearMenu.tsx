import { memo, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { LaunchwatchApi, ReportFormat } from '../../../main/api/contract';
import { MAX_APPROVALS_TEXT } from '../../../main/engine/approval-limits';
import type { Outcome } from './ActionsPanel';

const FORMAT_NAMES: Record<ReportFormat, string> = {
  html: 'HTML (opens in any browser)',
  pdf: 'PDF (to print or attach)',
  csv: 'CSV (merges with other Macs in a spreadsheet)',
  json: 'JSON (the scan document, for scripts)',
};
/** An approvals file is small JSON: past this it is not one (the bridge refuses more too). */

type Panel = 'export' | 'settings' | undefined;

const APPROVALS_LIVE_ONLY = 'Approvals belong to the Mac being watched live';

/** One entry of the menu; a disabled one says why in its tooltip. */
function MenuItem({
  label,
  onClick,
  disabledBecause,
}: {
  label: string;
  onClick: () => void;
  disabledBecause?: string;
}) {
  return (
    <li role="none">
      <button
        type="button"
        role="menuitem"
        disabled={disabledBecause !== undefined}
        title={disabledBecause}
        onClick={onClick}
      >
        {label}
      </button>
    </li>
  );
}

/**
 * The window's own menu (the gear): export a report, open a capture or go back to this Mac, import and
 * export approvals, settings. A menu button with arrow-key navigation; Escape closes it and gives focus
 * back to the gear.
 */
type GearMenuProps = {
  api: LaunchwatchApi;
  /** A capture of a Mac is open, not this machine live. */
  capture: boolean;
  /** Approvals and disabling can be done (this machine, live). */
  actionsAvailable: boolean;
  onOutcome: (outcome: Outcome) => void;
  onOpenSettings: () => void;
};

/** Given only what it uses of the snapshot, so an update that changes neither does not draw it again. */
export const GearMenu = memo(function GearMenuButton({
  api,
  capture: isCapture,
  actionsAvailable,
  onOutcome,
  onOpenSettings,
}: GearMenuProps) {
  const [open, setOpen] = useState(false);
  const [panel, setPanel] = useState<Panel>();
  const gearRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLUListElement>(null);
  const fileRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (open) menuRef.current?.querySelector<HTMLButtonElement>('button:not([disabled])')?.focus();
  }, [open]);
  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent) => {
      if (!menuRef.current?.contains(event.target as Node) && event.target !== gearRef.current) setOpen(false);
    };
    window.addEventListener('mousedown', close);
    return () => window.removeEventListener('mousedown', close);
  }, [open]);

  const report = (outcome: Promise<Outcome & { canceled?: true }>) =>
    outcome.then(
      (o) => {
        if (!o.canceled) onOutcome({ message: o.message });
      },
      (e: Error) => onOutcome({ message: e.message }),
    );
  const choose = (run: () => void) => () => {
    setOpen(false);
    run();
  };
  const onMenuKey = (event: KeyboardEvent<HTMLUListElement>) => {
    const items = [...(menuRef.current?.querySelectorAll<HTMLButtonElement>('button:not([disabled])') ?? [])];
    const index = items.indexOf(document.activeElement as HTMLButtonElement);
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      items[(index + step + items.length) % items.length]?.focus();
    } else if (event.key === 'Escape') {
      event.stopPropagation();
      setOpen(false);
      gearRef.current?.focus();
    } else if (event.key === 'Tab') setOpen(false);
  };
  const importFile = async (file: File | undefined) => {
    if (!file) return;
    if (file.size > MAX_APPROVALS_TEXT) {
      onOutcome({
        message: `${file.name} is not an approvals file: it is over ${MAX_APPROVALS_TEXT / 1024 / 1024} MiB.`,
      });
      return;
    }
    await report(api.importApprovals(await file.text(), file.name));
  };

  return (
    <div className="gear">
      <button
        type="button"
        ref={gearRef}
        className="gear-button"
        aria-label="Menu"
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
      >
        ⚙
      </button>
      {open ? (
        <ul className="gear-menu" role="menu" aria-label="Launchwatch" ref={menuRef} onKeyDown={onMenuKey}>
          <li role="none">
            <button type="button" role="menuitem" onClick={choose(() => setPanel('export'))}>
              Export Report…
            </button>
          </li>
          <li role="none">
            <button
              type="button"
              role="menuitem"
              onClick={choose(() =>
                api.openCaptureDialog
                  ? void report(api.openCaptureDialog())
                  : onOutcome({
                      message:
                        'In web mode, open a capture with "npm run web -- --replay <capture folder or .tar.gz>".',
                    }),
              )}
            >
              Open Capture…
            </button>
          </li>
          {isCapture && api.backToLive ? (
            <li role="none">
              <button type="button" role="menuitem" onClick={choose(() => void report(api.backToLive!()))}>
                Back to This Mac
              </button>
            </li>
          ) : null}
          <li role="separator" />
          <MenuItem
            label="Import Approvals…"
            disabledBecause={actionsAvailable ? undefined : APPROVALS_LIVE_ONLY}
            onClick={choose(() => fileRef.current?.click())}
          />
          <MenuItem
            label="Export Approvals…"
            disabledBecause={actionsAvailable ? undefined : APPROVALS_LIVE_ONLY}
            onClick={choose(() => void report(api.exportApprovals()))}
          />
          <li role="separator" />
          <li role="none">
            <button type="button" role="menuitem" onClick={choose(onOpenSettings)}>
              Settings…
            </button>
          </li>
        </ul>
      ) : null}
      <input
        ref={fileRef}
        type="file"
        accept=".json,application/json"
        className="visually-hidden"
        tabIndex={-1}
        aria-label="Approvals file to import"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          void importFile(file);
        }}
      />
      {panel === 'export' ? (
        <ExportDialog
          onCancel={() => {
            setPanel(undefined);
            gearRef.current?.focus();
          }}
          onExport={(format, redacted) => {
            setPanel(undefined);
            gearRef.current?.focus();
            void report(api.exportReport({ format, redacted }));
          }}
        />
      ) : null}
    </div>
  );
});

function ExportDialog({
  onCancel,
  onExport,
}: {
  onCancel: () => void;
  onExport: (format: ReportFormat, redacted: boolean) => void;
}) {
  const [format, setFormat] = useState<ReportFormat>('html');
  const [redacted, setRedacted] = useState(false);
  const firstRef = useRef<HTMLInputElement>(null);
  useEffect(() => firstRef.current?.focus(), []);
  return (
    <div className="sheet-backdrop">
      <form
        className="sheet"
        role="dialog"
        aria-modal="true"
        aria-labelledby="export-title"
        onSubmit={(e) => {
          e.preventDefault();
          onExport(format, redacted);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            onCancel();
          }
        }}
      >
        <h3 id="export-title">Export a report of what is shown</h3>
        <fieldset className="formats">
          <legend>Format</legend>
          {(Object.keys(FORMAT_NAMES) as ReportFormat[]).map((f, index) => (
            <label key={f}>
              <input
                ref={index === 0 ? firstRef : undefined}
                type="radio"
                name="format"
                value={f}
                checked={format === f}
                onChange={() => setFormat(f)}
              />{' '}
              {FORMAT_NAMES[f]}
            </label>
          ))}
        </fieldset>
        <label>
          <input type="checkbox" checked={redacted} onChange={(e) => setRedacted(e.target.checked)} /> For posting in
          public: names, home folders, wallets and the serial number replaced
        </label>
        <div className="sheet-buttons">
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="primary">
            Export
          </button>
        </div>
      </form>
    </div>
  );
}
