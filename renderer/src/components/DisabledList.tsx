import type { ActionView, LaunchwatchApi } from '../../../main/api/contract';

/** Items Launchwatch disabled, each with Undo. */
export function DisabledList({
  api,
  actions,
  onDone,
}: {
  api: LaunchwatchApi;
  actions: ActionView[];
  onDone: (message: string) => void;
}) {
  const disabled = actions.filter((a) => a.status === 'done' || a.status === 'damaged');
  if (disabled.length === 0) return null;
  return (
    <section className="group group-disabled" aria-label={`Disabled by Launchwatch: ${disabled.length}`}>
      <h2>
        Disabled by Launchwatch <span className="count">{disabled.length}</span>
      </h2>
      <ul>
        {disabled.map((action) => (
          <li key={action.id} className="disabled-row" data-action-id={action.id}>
            <span className="label-text" title={action.label}>
              {action.label}
            </span>
            {action.status === 'damaged' ? (
              <span className="refusal">{action.message}</span>
            ) : (
              <span className="muted">{new Date(action.createdAt).toLocaleString()}</span>
            )}
            <button
              type="button"
              disabled={!action.canUndo}
              onClick={() =>
                void api.undo(action.id).then(
                  (o) => onDone(o.message),
                  (e: Error) => onDone(e.message),
                )
              }
              aria-label={`Undo disabling ${action.label}`}
            >
              Undo
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
