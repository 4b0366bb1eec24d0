/*
 * The fault matrix of issue 10: every failure path driven through the real sf, one describe block per area
 * (test/e2e/faultMatrix/*.ts), sharing the run's one linked plugin.
 */
import { registerFileFaults } from './faultMatrix/files.js';

registerFileFaults();
