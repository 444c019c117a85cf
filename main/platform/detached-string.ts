// Strings read out of a command's output, made to stand on their own.

/**
 * A copy of `text` that does not keep a larger string alive. V8 makes a substring of 13 characters or
 * more a view into its parent (a "sliced string"), so an address or command line sliced out of a tick's
 * lsof or ps output keeps that whole output in memory for as long as the engine keeps it. Concatenating
 * makes a new string whose slice views only that: `text.length + 1` characters.
 */
export function detached(text: string): string {
  return text.length < 13 ? text : ` ${text}`.slice(1);
}
