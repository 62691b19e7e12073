#!/usr/bin/env node
// Generates the JSON Schema of the kinds in kinds.ts from kubernetes-types (the Kubernetes 1.30
// API as TypeScript types) with every object closed: an unknown field is an error.
//   node generate-schema.js [OUT]   (default: schema/k8s-1.30.schema.json, committed; slow: ~10 s)
"use strict";
const fs = require("fs");
const path = require("path");
const tsj = require("ts-json-schema-generator");

const out = process.argv[2] || path.join(__dirname, "schema", "k8s-1.30.schema.json");
const generator = tsj.createGenerator({
  path: path.join(__dirname, "kinds.ts"),
  type: "*",
  expose: "export",
  topRef: true,
  additionalProperties: false,
  skipTypeCheck: true,
});
const schema = generator.createSchema("*");
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, JSON.stringify(schema, null, 1) + "\n");
console.log(`${out}: ${Object.keys(schema.definitions).length} definitions`);
