#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so no build step stands between a clone and a running system.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
await main(process.argv);
