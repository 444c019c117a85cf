import type { Verdict } from '../../../main/api/contract';
import { VERDICT_LABEL } from '../logic/list';

export function VerdictBadge({ verdict }: { verdict: Verdict }) {
  return (
    <span className={`badge badge-${verdict}`} data-verdict={verdict}>
      {VERDICT_LABEL[verdict]}
    </span>
  );
}
