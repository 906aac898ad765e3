// Benchmark runner: `npm run bench` (builds first), or `node bench/run.js [section ...]` to run some.
// A section is a module in bench/sections/ exporting `title` (string) and `run()`, which resolves with
// rows `[measure, value, target]` (strings). Adding a benchmark = dropping one such file in sections/.
import { readdir } from 'node:fs/promises';
import { basename } from 'node:path';

const sectionsDir = new URL('./sections/', import.meta.url);
const wanted = process.argv.slice(2);
const files = (await readdir(sectionsDir)).filter((name) => name.endsWith('.js')).sort();
const selected = files.filter((name) => wanted.length === 0 || wanted.includes(basename(name, '.js')));
if (selected.length === 0) {
  process.stderr.write(
    `No bench section matches ${wanted.join(', ')}; available: ${files.map((f) => basename(f, '.js')).join(', ')}\n`,
  );
  process.exit(2);
}

process.stdout.write(`Campaign Manager benchmarks — ${new Date().toISOString()}, node ${process.version}\n`);
let failed = 0;
for (const file of selected) {
  const section = await import(new URL(file, sectionsDir).href);
  const started = Date.now();
  process.stdout.write(`\n## ${section.title ?? basename(file, '.js')}\n`);
  try {
    const rows = await section.run();
    printTable([['measure', 'value', 'target'], ...rows]);
  } catch (error) {
    failed += 1;
    process.stdout.write(`FAILED: ${error?.stack ?? error}\n`);
  }
  process.stdout.write(`(${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}
process.exit(failed > 0 ? 1 : 0);

function printTable(rows) {
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => String(row[column] ?? '').length)));
  const line = (row) => `| ${row.map((cell, column) => String(cell ?? '').padEnd(widths[column])).join(' | ')} |`;
  process.stdout.write(`${line(rows[0])}\n|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|\n`);
  for (const row of rows.slice(1)) process.stdout.write(`${line(row)}\n`);
}
