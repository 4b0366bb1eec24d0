/*
 * Is the app there, with every component it is made of? A connected app is one component; an External Client App
 * is a header plus every satellite that references it (src/org/satellites.ts), any of which may be missing (deleted,
 * never deployed) or unreadable (the global OAuth settings need a permission).
 */
import { appKindInfo } from '../../metadata/appKinds.js';
import type { VerifyCheck, VerifyFacts } from './types.js';
import { appCommand, sfCommand } from './fixes.js';
import { check } from './messages.js';

export function appChecks(facts: VerifyFacts): VerifyCheck[] {
  const info = appKindInfo(facts.kind);
  const { name } = facts.options;
  const record = facts.record;
  if (!record) return [check('app', 'fail', 'app.missing', [info.article, name], appCommand(facts, 'list'))];
  const checks = [check('app', 'pass', 'app.found', [info.article, name])];
  const unreadable = record.gaps.filter((gap) => gap.reason === 'unreadable');
  // The components that hold settings a login depends on. Others (an External Client App's plugin policies) may be
  // absent: apps made in Setup may have none (src/metadata/appKinds.ts settingHolders; their switches,
  // docs/salesforce-facts.md#f-eca-disabled, are only off when deployed so).
  const required = info.settingHolders.map((holder) => holder.type);
  const missingTypes = required.filter(
    (type) => !record.components.some((c) => c.type === type) && !unreadable.some((gap) => gap.type === type)
  );
  // A component that is there but lacks the settings it should hold (a connected app without OAuth settings).
  const emptyHolders = record.gaps.filter((gap) => gap.reason === 'missing' && !missingTypes.includes(gap.type));
  if (missingTypes.length > 0) {
    const inSource = missingTypes.filter((type) => !info.keptOutOfSource.includes(type));
    const keptOut = missingTypes.filter((type) => info.keptOutOfSource.includes(type));
    // The plugin wrote the other components into the project: deploying them again restores them. Global OAuth
    // settings are never in source (docs/salesforce-facts.md#f-source-credentials): only a new app brings them back.
    const fix =
      keptOut.length > 0
        ? `${appCommand(facts, 'delete')} && ${appCommand(facts, 'create')}`
        : sfCommand(facts, 'project', 'deploy', 'start', ...inSource.flatMap((type) => ['--metadata', type]));
    checks.push(check('components', 'fail', 'components.missing', [missingTypes.join(', '), info.article, name], fix));
  } else if (emptyHolders.length > 0) {
    checks.push(check('components', 'fail', 'components.empty', [emptyHolders.map((gap) => gap.description).join('; '), name]));
  } else if (unreadable.length > 0) {
    const detail = unreadable.map((gap) => `${gap.type}: ${gap.detail ?? ''}`).join('; ');
    checks.push(check('components', 'warn', 'components.unreadable', [detail]));
  } else {
    checks.push(check('components', 'pass', 'components.found', [record.components.map((c) => c.type).join(', ')]));
  }
  return checks;
}

/**
 * A check that cannot be made because the component holding its setting is missing or unreadable: said once per
 * check as a warning (the components check already names the cause).
 */
export function unknownSetting(facts: VerifyFacts, id: string, setting: string): VerifyCheck | undefined {
  const gap = facts.record?.gaps.find((g) => (g.settings as readonly string[]).includes(setting));
  return gap ? check(id, 'warn', 'notChecked', [gap.description, gap.reason]) : undefined;
}
