#!/usr/bin/env node
// The local Stripe on its own (src/main.ts reads its settings from the environment). The package
// ships TypeScript, so tsx compiles it as it loads, wherever the command is run from.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
