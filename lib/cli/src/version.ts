/** The package's version (lib/cli/package.json; a unit test keeps the two equal). */
export const CLI_VERSION = '0.1.0';
