#!/usr/bin/env node
// `node scripts/demo.mjs [--out DIR]`: the same as `segsense demo` (`npm run demo` calls the command directly).
import { main } from '../dist/cli/main.js'

process.exitCode = await main(['demo', ...process.argv.slice(2)])
