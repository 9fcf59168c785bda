export function hasBuild(distDir: string): boolean;
export function nextBuild(distDir: string, env?: NodeJS.ProcessEnv): number;
