// An action that cannot be done as asked (nothing to undo, an unknown action id, a plan that expired):
// the person is told why in words, never with a stack trace.
export class NotPossible extends Error {}
