/*
 * The fault matrix (issue 10): the real sf CLI through each failure path, one describe block per area
 * (test/e2e/faultMatrix/*.ts), sharing the run's one linked plugin. After each fault: the target org's auth works, no
 * secret was lost, no user file changed, the org holds the whole app or none (or the rerun completes it), and the
 * printed advice, when run, succeeds.
 */
import { registerFileFaults } from './faultMatrix/files.js';
import { registerLoginFaults } from './faultMatrix/login.js';
import { registerRerunCases } from './faultMatrix/rerun.js';

registerLoginFaults();
registerFileFaults();
registerRerunCases();
