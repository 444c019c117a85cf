/** The electron-builder arguments for this environment (see dist.mjs). */
export function distArgs(env: Record<string, string | undefined>, extra?: string[]): string[];
