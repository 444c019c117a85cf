export function png(size: number, pixel: (x: number, y: number) => number[]): Buffer;
