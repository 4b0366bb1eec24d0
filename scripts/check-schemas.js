#!/usr/bin/env node
// Generates the JSON schema of each command's result type and compares it with schemas/<topic>-<verb>.json.
// Command "connected-app create" -> type ConnectedAppCreateResult exported from src/commands/connected-app/create.ts.
// Usage: node scripts/check-schemas.js [--update]    (npm run schemas:update rewrites the schemas)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { createGenerator } from 'ts-json-schema-generator';
import { loadPluginCommandsOrExit, repoRoot } from './plugin-commands.js';

const update = process.argv.includes('--update');
const schemasDir = join(repoRoot, 'schemas');
const pascal = (id) =>
  id
    .split(/[:\s]/)
    .flatMap((part) => part.split('-'))
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');

const commands = await loadPluginCommandsOrExit();
const problems = [];
// One TypeScript program over all command files: building it is the slow part (seconds), so never once per command.
const generator =
  commands.length > 0
    ? createGenerator({
        path: join(repoRoot, 'src', 'commands', '**', '*.ts'),
        tsconfig: join(repoRoot, 'tsconfig.json'),
        skipTypeCheck: true,
        additionalProperties: false,
      })
    : undefined;
for (const command of commands) {
  const parts = command.id.split(':');
  const source = join(repoRoot, 'src', 'commands', ...parts.slice(0, -1), `${parts.at(-1)}.ts`);
  const typeName = `${pascal(command.id)}Result`;
  const file = join(schemasDir, `${parts.join('-')}.json`);
  let schema;
  try {
    schema = generator.createSchema(typeName);
  } catch (error) {
    problems.push(`${command.id}: cannot generate the schema of ${typeName} (export it from ${source}): ${error.message.split('\n')[0]}`);
    continue;
  }
  if (update) {
    mkdirSync(schemasDir, { recursive: true });
    writeFileSync(file, `${JSON.stringify(schema, null, 2)}\n`);
    console.log(`wrote ${file}`);
  } else if (!existsSync(file)) {
    problems.push(`${command.id}: ${file} is missing (run "npm run schemas:update" and commit it)`);
  } else if (!isDeepStrictEqual(JSON.parse(readFileSync(file, 'utf8')), schema)) {
    problems.push(`${command.id}: the result type ${typeName} no longer matches ${file} (if intended, run "npm run schemas:update")`);
  }
}

if (problems.length > 0) {
  console.error(`JSON schema check failed:\n  - ${problems.join('\n  - ')}`);
  process.exit(1);
}
if (!update) console.log(`schemas: ${commands.length} command result schema(s) match schemas/*.json`);
