#!/usr/bin/env node
// The validator's own test: every manifest in broken/ must be rejected with the error its
// "# expect: TEXT" line names, and every manifest in good/ must be accepted.
"use strict";
const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");

const validator = path.join(__dirname, "validate.js");
let failures = 0;

function run(file) {
  const r = spawnSync(process.execPath, [validator, file], { encoding: "utf8" });
  return { status: r.status, output: r.stdout + r.stderr };
}

for (const dir of ["broken", "good"]) {
  const files = fs.readdirSync(path.join(__dirname, dir)).filter((f) => f.endsWith(".yaml")).sort();
  if (!files.length) {
    console.error(`no manifests in ${dir}/`);
    failures++;
  }
  for (const f of files) {
    const file = path.join(__dirname, dir, f);
    const { status, output } = run(file);
    let ok;
    if (dir === "broken") {
      const m = /^# expect: (.*)$/m.exec(fs.readFileSync(file, "utf8"));
      if (!m) {
        console.error(`${dir}/${f}: no "# expect:" line`);
        failures++;
        continue;
      }
      ok = status === 1 && output.includes(m[1]);
    } else {
      ok = status === 0;
    }
    console.log(`${ok ? "ok  " : "FAIL"} ${dir}/${f}`);
    if (!ok) {
      console.log(output);
      failures++;
    }
  }
}
process.exitCode = failures ? 1 : 0;
