#!/usr/bin/env node
// Node 24 runs the TypeScript sources directly (type stripping); see docs/DECISIONS.md.
import '../src/main/cli.ts';
