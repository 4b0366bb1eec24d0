/*
 * The part of SfCommand the CLI layer prints through, so runners can be tested with a recorder.
 */
import type { SfCommand } from '@salesforce/sf-plugins-core';

export type CommandOutput = Pick<
  SfCommand<unknown>,
  'log' | 'warn' | 'table' | 'styledHeader' | 'styledObject' | 'logSuccess'
>;
