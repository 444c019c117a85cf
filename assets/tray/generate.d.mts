export function eye(colour: [number, number, number], mark: boolean): (x: number, y: number) => number[];
