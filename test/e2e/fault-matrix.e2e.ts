/*
 * The fault matrix of issue 10: every failure path after the first write, caused on purpose with the real sf CLI
 * against the emulator. Each group of cases lives in faultMatrix/ and registers its own describe block here. After each
 * fault: the target org's auth works, no secret was lost, no user file changed, the org holds the whole app or none
 * (or the rerun completes it), and the printed advice, when run, succeeds.
 */
import { registerLoginFaults } from './faultMatrix/login.js';
import { registerRerunCases } from './faultMatrix/rerun.js';

registerRerunCases();
registerLoginFaults();
