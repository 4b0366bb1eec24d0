#!/usr/bin/env node
// Runs the compiled commands without the sf CLI (npm run build first).
import { execute } from '@oclif/core';

await execute({ dir: import.meta.url });
