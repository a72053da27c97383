// Validate AsyncAPI documents with @asyncapi/parser: node validate.mjs <file.json>...
// Prints one JSON report per file (a JSON array); exits 1 when any file has an error
// (a diagnostic of severity 0), 0 otherwise. One process for several files: node's start-up
// and the parser's schema compilation are most of the cost.
import { readFileSync } from "node:fs";
import { Parser } from "@asyncapi/parser";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node validate.mjs <asyncapi.json>...");
  process.exit(2);
}
const parser = new Parser();
const reports = [];
for (const file of files) {
  const { document, diagnostics } = await parser.parse(readFileSync(file, "utf8"));
  const errors = diagnostics.filter((d) => d.severity === 0);
  reports.push({
    file,
    valid: document !== undefined && errors.length === 0,
    version: document ? document.version() : null,
    channels: document ? document.channels().length : 0,
    operations: document ? document.operations().length : 0,
    messages: document ? document.components().messages().length : 0,
    errors: errors.map((d) => ({ code: d.code, message: d.message, path: d.path })),
    warnings: diagnostics.filter((d) => d.severity === 1).length,
  });
}
console.log(JSON.stringify(reports));
process.exit(reports.every((r) => r.valid) ? 0 : 1);
