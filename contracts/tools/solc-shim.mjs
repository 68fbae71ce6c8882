#!/usr/bin/env node
// Lets forge use solc-js (npm `solc`, pinned) as if it were the native solc binary: forge cannot
// download compilers here. forge calls `--version`, and `--standard-json` with the input on stdin.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);
const solc = require('solc');
const args = process.argv.slice(2);

if (args.includes('--version')) {
  // Same shape as the native binary's answer, which forge parses.
  process.stdout.write(
    `solc, the solidity compiler commandline interface\nVersion: ${solc.version().replace('.Emscripten.clang', '.Linux.g++')}\n`);
  process.exit(0);
}
if (!args.includes('--standard-json')) {
  process.stderr.write('solc-shim: only --version and --standard-json are supported\n');
  process.exit(2);
}

function option(name) {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : undefined;
}
const basePath = option('--base-path') ?? process.cwd();
const includePaths = [];
args.forEach((a, i) => { if (a === '--include-path' && args[i + 1]) includePaths.push(args[i + 1]); });

// forge sends every source it resolved; this only serves an import it left out.
function findImports(importPath) {
  for (const root of [basePath, ...includePaths]) {
    try {
      return { contents: readFileSync(path.resolve(root, importPath), 'utf8') };
    } catch { /* try the next root */ }
  }
  return { error: `solc-shim: file not found: ${importPath}` };
}

const input = readFileSync(0, 'utf8');
process.stdout.write(solc.compile(input, { import: findImports }));
