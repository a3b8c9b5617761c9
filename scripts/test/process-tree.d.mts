// Types of ./process-tree.mjs for its TypeScript callers (the unit tests).
export type TreeProcess = { pid: number; ppid: number; state: string; cpuSeconds: number; wchan: string; command: string; depth: number };
export function processTree(root: number): TreeProcess[];
export function describeProcessTree(root: number, sampleMs?: number): Promise<string>;
export function killTree(root: number): Promise<number[]>;
