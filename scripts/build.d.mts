/** Types for scripts/build.mjs (plain JavaScript so it runs before anything is compiled). */

/** Where the hash of the inputs of the build in dist/ is kept, relative to the root. */
export const STAMP: string;

/** The SHA-256 (hex) of the build's inputs under `root`: paths and contents, src/generated excluded. */
export function inputsHash(root: string): string;

/** Whether dist/ under `root` holds a build of the inputs as they are now. */
export function isUpToDate(root: string): boolean;

/** Builds unless (with `ifStale`) dist/ is up to date; stamps dist/ with the inputs' hash taken before the build. */
export function ensureBuilt(options: {
  root: string;
  ifStale: boolean;
  build: () => boolean;
}): 'built' | 'up-to-date' | 'failed';
