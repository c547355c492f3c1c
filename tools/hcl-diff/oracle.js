#!/usr/bin/env node
// HashiCorp's HCL parser (hcl/v2, WebAssembly build published on npm as
// @cdktf/hcl2json) as an oracle: for every file named on the command line,
// or for every path listed in the file after `--list`, or read from stdin
// (one a line) when there is none, prints
//   <path>\tok
//   <path>\terr\t<line of the first error>\t<message>
// `.tf.json` files are checked with JSON.parse plus HCL's JSON rules (see
// jsonVerdict). The package is found through HCL2JSON_DIR (the --prefix
// given to `npm install`), else through node's own resolution.
"use strict";
const fs = require("fs");
const path = require("path");

function load() {
  const dir = process.env.HCL2JSON_DIR;
  if (dir) return require(path.join(dir, "node_modules", "@cdktf", "hcl2json"));
  return require("@cdktf/hcl2json");
}

// "file.tf:12,3-4: Summary; detail" -> 12. hcl2json joins all diagnostics,
// not in the order of the text (the scanner's come first): the first error
// is the one on the smallest line.
function firstLine(msg, name) {
  const esc = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const re = new RegExp(`${esc}:(\\d+),(\\d+)(?:-\\d+(?:,\\d+)?)?: `, "g");
  let best = 0;
  for (const m of msg.matchAll(re)) {
    const line = Number(m[1]);
    if (best === 0 || line < best) best = line;
  }
  return best;
}

// HCL's JSON syntax: the file is one JSON object (hcl/json parser.go); a
// JSON object at the root. Duplicate keys are allowed by the JSON parser.
function jsonVerdict(text) {
  try {
    const v = JSON.parse(text);
    if (v === null || typeof v !== "object" || Array.isArray(v)) {
      return { ok: false, line: 1, msg: "the root of a .tf.json file must be an object" };
    }
    return { ok: true };
  } catch (e) {
    const m = /position (\d+)/.exec(e.message);
    let line = 1;
    if (m) {
      const pos = Number(m[1]);
      for (let i = 0; i < pos && i < text.length; i++) if (text[i] === "\n") line++;
    }
    return { ok: false, line, msg: e.message };
  }
}

async function main() {
  const hcl = load();
  let files = process.argv.slice(2);
  if (files[0] === "--list") {
    files = fs.readFileSync(files[1], "utf8").split("\n").filter((l) => l.length > 0);
  } else if (files.length === 0) {
    files = fs.readFileSync(0, "utf8").split("\n").filter((l) => l.length > 0);
  }
  const out = [];
  for (const f of files) {
    let text;
    try {
      text = fs.readFileSync(f, "utf8");
    } catch (e) {
      out.push(`${f}\tunreadable\t0\t${e.message}`);
      continue;
    }
    if (f.endsWith(".json")) {
      const v = jsonVerdict(text);
      out.push(v.ok ? `${f}\tok` : `${f}\terr\t${v.line}\t${v.msg.replace(/\s+/g, " ")}`);
      continue;
    }
    try {
      await hcl.parse(path.basename(f), text);
      out.push(`${f}\tok`);
    } catch (e) {
      const msg = String(e && e.message ? e.message : e);
      // hcl2json parses, then converts to JSON (evaluating some constant
      // expressions): an error of that second step is no parse error.
      if (msg.startsWith("convert to HCL")) {
        out.push(`${f}\tok`);
        continue;
      }
      out.push(`${f}\terr\t${firstLine(msg, path.basename(f))}\t${msg.replace(/\s+/g, " ").slice(0, 300)}`);
    }
  }
  // Exit once stdout is flushed (process.exit would cut a piped output);
  // the Go runtime of the WebAssembly module keeps the event loop alive.
  process.stdout.write(out.join("\n") + (out.length ? "\n" : ""), () => process.exit(0));
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
