/*
 * The fault matrix of issue 10: every failure path after the first write, caused on purpose with the real sf CLI
 * against the emulator. Each group of cases lives in faultMatrix/ and registers its own describe block here.
 */
import { registerRerunCases } from './faultMatrix/rerun.js';

registerRerunCases();
