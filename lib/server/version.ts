/** Lockboard's own version (package.json), written as LockInfo.Version of the locks it takes. */
import pkg from '../../package.json';

export const LOCKBOARD_VERSION: string = pkg.version;
