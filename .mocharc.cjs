// Mocha's configuration for every run. `npx mocha --grep '<title>'` runs the matching unit tests (test/**/*.test.ts);
// naming spec files (`npx mocha test/shared/scopes.test.ts`, or the e2e glob of `npm run test:e2e`) runs only those:
// mocha adds a configured spec to the files named on the command line, so the default applies only when none is named.
'use strict';

const OPTIONS_WITH_A_FILE_VALUE = new Set(['--reporter', '-R', '--config', '--package', '--require', '-r', '--file', '--ignore', '--exclude', '--extension']);

const namesSpecFiles = process.argv
  .slice(2)
  .some(
    (arg, i, args) =>
      !arg.startsWith('-') && !OPTIONS_WITH_A_FILE_VALUE.has(args[i - 1]) && (/\.[cm]?[jt]s$/.test(arg) || arg.includes('*'))
  );

module.exports = {
  'node-option': ['import=tsx'],
  ...(namesSpecFiles ? {} : { spec: ['test/**/*.test.ts'] }),
  timeout: 60000,
  recursive: true,
  reporter: 'spec',
};
