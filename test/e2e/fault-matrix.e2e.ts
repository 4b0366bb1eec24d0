/*
 * The fault matrix (issue 10): the real sf CLI through each failure path, against one shared emulator session per
 * row file. After each fault: the target org's auth works, no secret was lost, no user file changed, the org holds the
 * whole app or none (or the rerun completes it), and the printed advice, when run, succeeds.
 */
import { registerLoginFaults } from './faultMatrix/login.js';

registerLoginFaults();
