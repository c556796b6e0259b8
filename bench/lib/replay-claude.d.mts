export const FIXTURES: string;
export function fixtureFiles(dir?: string): string[];
export function replay(text: string, seed: string): string;
export function replayedTranscripts(bytes: number, files?: string[]): Generator<{ name: string; text: string }>;
export function sizeOf(files: string[]): number;
