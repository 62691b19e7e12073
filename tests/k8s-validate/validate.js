#!/usr/bin/env node
// Strict offline validation of Kubernetes manifests, as an API server (1.30) would judge them:
// the JSON Schema of kubernetes-types with unknown fields rejected (schema/, made by
// generate-schema.js), then the server's own rules (rules.js), then duplicates across documents.
//   node validate.js FILE_OR_DIR...   multi-document YAML; a directory means its *.yaml files
// Exit status 0 when every document is valid, 1 otherwise (each error on stderr as
// "file#doc kind/name: path: message"), 2 on a usage or read error.
"use strict";
const fs = require("fs");
const path = require("path");
const YAML = require("yaml");
const Ajv = require("ajv");
const addFormats = require("ajv-formats");
const { checkDocument } = require("./rules");

const SCHEMA = path.join(__dirname, "schema", "k8s-1.30.schema.json");

function compileValidators() {
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, allowUnionTypes: true });
  addFormats(ajv);
  const schema = JSON.parse(fs.readFileSync(SCHEMA, "utf8"));
  schema.$id = "k8s";
  ajv.addSchema(schema);
  return (kind) => ajv.getSchema(`k8s#/definitions/K8s${kind}`);
}

function inputs(args) {
  const files = [];
  for (const a of args) {
    if (fs.statSync(a).isDirectory())
      files.push(...fs.readdirSync(a).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => path.join(a, f)));
    else files.push(a);
  }
  return files;
}

function main(args) {
  if (!args.length) {
    console.error("usage: validate.js FILE_OR_DIR...");
    return 2;
  }
  const validatorOf = compileValidators();
  const seen = new Map();
  let errors = 0, count = 0;
  for (const file of inputs(args)) {
    const docs = YAML.parseAllDocuments(fs.readFileSync(file, "utf8"), { uniqueKeys: true });
    docs.forEach((d, i) => {
      const where = `${file}#${i + 1}`;
      if (d.errors.length) {
        d.errors.forEach((e) => console.error(`${where}: YAML: ${e.message}`));
        errors += d.errors.length;
        return;
      }
      const doc = d.toJS();
      if (doc === null) return;
      count++;
      const id = `${doc.kind}/${(doc.metadata || {}).name}`;
      const errs = checkDocument(doc);
      const validate = doc && validatorOf(doc.kind);
      if (validate && !validate(doc))
        for (const e of validate.errors) {
          const extra = e.params && e.params.additionalProperty ? ` "${e.params.additionalProperty}"` : "";
          errs.push(`${e.instancePath || "/"}: schema: ${e.message}${extra}`);
        }
      const key = `${id}@${(doc.metadata || {}).namespace || ""}`;
      if (seen.has(key)) errs.push(`duplicate of ${seen.get(key)}`);
      else seen.set(key, where);
      errs.forEach((e) => console.error(`${where} ${id}: ${e}`));
      errors += errs.length;
    });
  }
  if (!count && !errors) {
    console.error("no documents");
    return 1;
  }
  console.error(errors ? `${errors} error(s) in ${count} document(s)` : `${count} document(s) valid`);
  return errors ? 1 : 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  console.error(`validate.js: ${e.message}`);
  process.exitCode = 2;
}
