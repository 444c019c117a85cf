export function icns(render: (size: number) => Buffer): Buffer;
export function icon(x: number, y: number): number[];
export const ICNS_ENTRIES: [string, number][];
