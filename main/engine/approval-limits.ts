// The bounds of an approvals file (docs/approvals.md), shared by the store that reads it, the messages that carry one
// from the window, and the window that picks one: an approvals file is small JSON, thousands of approvals in a few MiB.

/** The file's text, in characters (UTF-16 units as JavaScript counts them, so at most this many bytes of ASCII). */
export const MAX_APPROVALS_TEXT = 4 * 1024 * 1024;
/** More approvals than any Mac has launch items. */
export const MAX_APPROVALS = 10_000;
