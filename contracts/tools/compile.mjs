#!/usr/bin/env node
// Compiles the contracts under src/main/solidity with solc-js (pinned in package.json) into
// <out>/<Contract>.abi and <out>/<Contract>.bin, for the Java side (deployer, web3j wrappers).
// Settings match foundry.toml so forge tests and Java deployments run the same bytecode.
// Usage: compile.mjs <sourceDir> <outDir>
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);
const solc = require('solc');
const [sourceDir, outDir] = process.argv.slice(2);
if (!sourceDir || !outDir) {
  console.error('usage: compile.mjs <sourceDir> <outDir>');
  process.exit(2);
}
const contractsRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

const sources = {};
for (const file of readdirSync(sourceDir, { recursive: true })) {
  if (file.endsWith('.sol')) {
    sources[file] = { content: readFileSync(path.join(sourceDir, file), 'utf8') };
  }
}

function findImports(importPath) {
  const candidates = importPath.startsWith('@')
    ? [path.join(contractsRoot, 'node_modules', importPath)]
    : [path.join(sourceDir, importPath)];
  for (const candidate of candidates) {
    try {
      return { contents: readFileSync(candidate, 'utf8') };
    } catch { /* next */ }
  }
  return { error: `not found: ${importPath}` };
}

const input = {
  language: 'Solidity',
  sources,
  settings: {
    evmVersion: 'prague',
    optimizer: { enabled: true, runs: 200 },
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
  },
};
const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
for (const e of output.errors ?? []) console.error(e.formattedMessage);
if (errors.length > 0) process.exit(1);

mkdirSync(outDir, { recursive: true });
// Write then rename: a failed build never leaves a half-written artifact behind.
function writeAtomically(file, text) {
  writeFileSync(file + '.tmp', text);
  renameSync(file + '.tmp', file);
}
let count = 0;
for (const [file, contracts] of Object.entries(output.contracts ?? {})) {
  if (!(file in sources)) continue; // libraries from node_modules are linked into the bytecode
  for (const [name, artifact] of Object.entries(contracts)) {
    if (!artifact.evm.bytecode.object) continue; // interfaces and abstract contracts
    writeAtomically(path.join(outDir, `${name}.abi`), JSON.stringify(artifact.abi));
    writeAtomically(path.join(outDir, `${name}.bin`), artifact.evm.bytecode.object);
    count++;
  }
}
console.log(`compile.mjs: ${count} contract(s) from ${sourceDir} -> ${outDir}`);
