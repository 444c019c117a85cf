import equal from 'fast-deep-equal';
import { memo, useEffect, useRef, useState, type ReactNode } from 'react';
import type { ItemDetail, LaunchwatchApi, PlanView } from '../../../main/api/contract';

/**
 * What an action ended in, for the notice: `undoActionId` puts Undo next to it (a disable that worked);
 * `leave` returns to the list (the item is gone from where it was); otherwise the page stays and shows the
 * item's new state.
 */
export interface Outcome {
  message: string;
  undoActionId?: string;
  leave?: boolean;
}

/**
 * Disable with approval, and the approved inventory, for one item. Given only what it shows, compared by value:
 * the item's detail is a new object at every update, and the panel (with what the user typed) stays as it is.
 */
export const ActionsPanel = memo(function ActionsPanel({
  api,
  id,
  verdict,
  approval,
  cpuLimitOffer,
  available,
  onDone,
}: {
  api: LaunchwatchApi;
  id: string;
  verdict: ItemDetail['verdict'];
  approval: ItemDetail['approval'];
  /** Set when the item is flagged only for being busy: the CPU limit offered until the user types one. */
  cpuLimitOffer: number | undefined;
  available: boolean;
  onDone: (outcome: Outcome) => void;
}) {
  const [plan, setPlan] = useState<PlanView | undefined>();
  const [refusal, setRefusal] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState('');
  // What the user typed; until then the offer, which follows the item's peak.
  const [typedCpuLimit, setCpuLimit] = useState<string | undefined>();
  const cpuLimit = typedCpuLimit ?? String(cpuLimitOffer ?? '');

  if (!available)
    return (
      <ActionsSection>
        <p className="muted">This is a capture of another Mac: its items cannot be changed from here.</p>
      </ActionsSection>
    );

  const openPlan = async () => {
    setRefusal(undefined);
    const response = await api.planDisable(id);
    if (response.ok) setPlan(response.plan);
    else setRefusal(response.refusal);
  };
  const approve = async () => {
    if (!plan) return;
    setBusy(true);
    try {
      const outcome = await api.approvePlan(plan.planId);
      onDone({
        message: outcome.message,
        leave: outcome.ok,
        ...(outcome.ok && outcome.actionId ? { undoActionId: outcome.actionId } : {}),
      });
    } catch (error) {
      onDone({ message: (error as Error).message });
    } finally {
      setBusy(false);
      setPlan(undefined);
    }
  };
  const cancel = () => {
    if (plan) void api.cancelPlan(plan.planId);
    setPlan(undefined);
  };

  return (
    <ActionsSection>
      <div className="actions-panel">
        <div className="action-buttons">
          <button type="button" className="danger" onClick={() => void openPlan()}>
            Disable…
          </button>
          {verdict === 'approved' || approval ? (
            <button
              type="button"
              onClick={() => void api.unapproveItem(id).then((o) => onDone({ message: o.message }))}
            >
              Remove approval
            </button>
          ) : (
            <span className="approve-form">
              <input
                type="text"
                aria-label="Why this item is fine (optional)"
                placeholder="Note (optional)"
                value={note}
                maxLength={2000}
                onChange={(e) => setNote(e.target.value)}
              />
              <button
                type="button"
                onClick={() =>
                  void api
                    .approveItem(id, note.trim() === '' ? undefined : note.trim())
                    .then((o) => onDone({ message: o.message }))
                }
              >
                Approve this item
              </button>
            </span>
          )}
        </div>
        {cpuLimitOffer !== undefined ? (
          <form
            className="accept-cpu"
            onSubmit={(e) => {
              e.preventDefault();
              const limit = Number(cpuLimit);
              if (!Number.isFinite(limit) || limit < 1) return;
              void api
                .approveItem(id, note.trim() === '' ? undefined : note.trim(), limit)
                .then((o) => onDone({ message: o.message }));
            }}
          >
            <label>
              Busy but known? Accept its CPU up to{' '}
              <input
                type="number"
                min={1}
                max={100000}
                value={cpuLimit}
                onChange={(e) => setCpuLimit(e.target.value)}
                aria-label="CPU this item may use, in percent of one core"
              />{' '}
              % of one core
            </label>{' '}
            <button type="submit">Accept CPU</button>
            <span className="muted"> Any sign of mining still flags it.</span>
          </form>
        ) : null}
        {approval ? (
          <p className="muted">
            Approved on {approval.approvedAt.slice(0, 10)}
            {approval.note ? `: ${approval.note}` : ''}
            {approval.changed ? ' — changed since approval, judged again' : ''}.
          </p>
        ) : null}
        {refusal ? (
          <p className="refusal" role="alert">
            {refusal}
          </p>
        ) : null}
        {plan ? <ApprovalSheet plan={plan} busy={busy} onApprove={() => void approve()} onCancel={cancel} /> : null}
      </div>
    </ActionsSection>
  );
}, equal);

function ActionsSection({ children }: { children: ReactNode }) {
  return (
    <section aria-labelledby="actions-title" className="actions">
      <h3 id="actions-title">Actions</h3>
      {children}
    </section>
  );
}

function ApprovalSheet({
  plan,
  busy,
  onApprove,
  onCancel,
}: {
  plan: PlanView;
  busy: boolean;
  onApprove: () => void;
  onCancel: () => void;
}) {
  const cancelRef = useRef<HTMLButtonElement>(null);
  const sheetRef = useRef<HTMLDivElement>(null);
  // The panel draws again while the sheet is open when what it shows changes (the item's verdict or approval),
  // handing a new onCancel each time: keep the latest in a ref so the effects below run once, and focus is
  // placed on Cancel once, not taken back from the user's Tab.
  const onCancelRef = useRef(onCancel);
  onCancelRef.current = onCancel;
  useEffect(() => {
    cancelRef.current?.focus();
  }, []);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        onCancelRef.current();
      }
      // Tab stays inside the sheet while it is open.
      if (e.key === 'Tab' && sheetRef.current) {
        const buttons = [...sheetRef.current.querySelectorAll<HTMLButtonElement>('button:not([disabled])')];
        const first = buttons[0];
        const last = buttons.at(-1);
        if (e.shiftKey && document.activeElement === first) {
          e.preventDefault();
          last?.focus();
        } else if (!e.shiftKey && document.activeElement === last) {
          e.preventDefault();
          first?.focus();
        }
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);
  return (
    <div className="sheet-backdrop">
      <div className="sheet" role="dialog" aria-modal="true" aria-labelledby="sheet-title" ref={sheetRef}>
        <h3 id="sheet-title">Disable {plan.label || plan.plistPath}?</h3>
        <p>Launchwatch will do exactly this, in this order:</p>
        <ol className="plan-steps">
          {plan.steps.map((step) => (
            <li key={step.kind} data-kind={step.kind}>
              {step.description}
            </li>
          ))}
        </ol>
        {plan.adminNote ? <p className="muted">{plan.adminNote}</p> : null}
        <p className="muted">Nothing is deleted: the file is kept in Launchwatch's quarantine and Undo puts it back.</p>
        <div className="sheet-buttons">
          <button type="button" ref={cancelRef} onClick={onCancel} disabled={busy}>
            Cancel
          </button>
          <button type="button" className="danger" onClick={onApprove} disabled={busy}>
            {busy ? 'Disabling…' : 'Approve and disable'}
          </button>
        </div>
      </div>
    </div>
  );
}
