#!/usr/bin/env node
// Compares every command's id, aliases and flags (name, char, aliases, multiple, required, type) with
// command-snapshot.json, so that a flag or command is never removed or changed by accident.
// Usage: node scripts/check-snapshot.js [--update]    (npm run snapshot:update rewrites the snapshot)
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { join } from 'node:path';
import { loadPluginCommandsOrExit, repoRoot } from './plugin-commands.js';

const snapshotFile = join(repoRoot, 'command-snapshot.json');
const update = process.argv.includes('--update');

const sortedStrings = (values) => [...new Set(values ?? [])].sort();

function describeFlag(flag) {
  return {
    char: flag.char ?? null,
    aliases: sortedStrings([...(flag.aliases ?? []), ...(flag.charAliases ?? [])]),
    multiple: Boolean(flag.multiple),
    required: Boolean(flag.required),
    type: flag.type,
  };
}

function describeCommand(command) {
  const flags = {};
  for (const name of Object.keys(command.flags ?? {}).sort()) flags[name] = describeFlag(command.flags[name]);
  return { command: command.id, plugin: command.pluginName, aliases: sortedStrings(command.aliases), flags };
}

const current = (await loadPluginCommandsOrExit()).map(describeCommand);

if (update) {
  writeFileSync(snapshotFile, `${JSON.stringify(current, null, 2)}\n`);
  console.log(`command-snapshot.json: wrote ${current.length} command(s)`);
  process.exit(0);
}

const snapshot = existsSync(snapshotFile) ? JSON.parse(readFileSync(snapshotFile, 'utf8')) : [];
const problems = [];
const hint = 'if intended, run "npm run snapshot:update" and commit command-snapshot.json';
const byId = (list) => new Map(list.map((c) => [c.command, c]));
const before = byId(snapshot);
const now = byId(current);

for (const [id, old] of before) {
  const cmd = now.get(id);
  if (!cmd) {
    problems.push(`command "${id}" was removed`);
    continue;
  }
  for (const alias of old.aliases) if (!cmd.aliases.includes(alias)) problems.push(`${id}: alias "${alias}" was removed`);
  for (const alias of cmd.aliases) if (!old.aliases.includes(alias)) problems.push(`${id}: alias "${alias}" was added (${hint})`);
  for (const [name, oldFlag] of Object.entries(old.flags)) {
    const flag = cmd.flags[name];
    if (!flag) {
      problems.push(`${id}: flag --${name} was removed`);
      continue;
    }
    for (const key of Object.keys(oldFlag)) {
      if (!isDeepStrictEqual(oldFlag[key], flag[key])) {
        problems.push(`${id}: flag --${name} ${key} changed from ${JSON.stringify(oldFlag[key])} to ${JSON.stringify(flag[key])}`);
      }
    }
  }
  for (const name of Object.keys(cmd.flags)) if (!old.flags[name]) problems.push(`${id}: flag --${name} was added (${hint})`);
}
for (const id of now.keys()) if (!before.has(id)) problems.push(`command "${id}" was added (${hint})`);

if (problems.length > 0) {
  console.error(`command-snapshot.json does not match the compiled commands:\n  - ${problems.join('\n  - ')}`);
  process.exit(1);
}
console.log(`command snapshot: ${current.length} command(s) match command-snapshot.json`);
