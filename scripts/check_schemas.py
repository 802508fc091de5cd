"""Checks `torghut schema KIND` with an independent JSON Schema validator (python-jsonschema):
each schema is valid draft-07, accepts every bundled spec of its kind, and rejects the bad-spec fixtures whose
problem a schema can express (unknown keys, wrong types, ranges, patterns, enums, empty or repeated lists)."""
import glob
import json
import subprocess
import sys

import jsonschema
import yaml


class CoreSchemaLoader(yaml.SafeLoader):
    """YAML 1.2 core-schema reading, as yaml-language-server does: `2026-03-06` stays a string (PyYAML's YAML 1.1
    timestamp resolver would make it a date, which no JSON Schema type matches)."""


CoreSchemaLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_all(handle):
    return yaml.load_all(handle, Loader=CoreSchemaLoader)


binary = sys.argv[1]
kinds = ["Universe", "RiskPolicy", "Strategy", "Scenario"]
schemas = {}
for kind in kinds:
    out = subprocess.run([binary, "schema", kind], check=True, capture_output=True, text=True).stdout
    schema = json.loads(out)
    jsonschema.Draft7Validator.check_schema(schema)
    schemas[kind] = jsonschema.Draft7Validator(schema)

passed = failed = 0


def check(label, ok):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {label}")


for path in sorted(glob.glob("specs/**/*.yaml", recursive=True)):
    with open(path) as handle:
        for index, document in enumerate(load_all(handle)):
            errors = [e.message for e in schemas[document["kind"]].iter_errors(document)]
            check(f"{path}#{index} should match the {document['kind']} schema: {errors}", not errors)

# Codes a JSON Schema can express; the others (YAML syntax, YAML 1.1 readings, references, cross-field rules) are the
# validator's job alone.
schema_codes = ("SPEC012", "SPEC013", "SPEC014", "SPEC015", "SPEC016", "SPEC022", "SPEC023", "SPEC024", "SPEC026")
# Expressions are strings to a JSON Schema, so PLAN and SPEC031 fixtures are the validator's alone.
for path in sorted(glob.glob("Tests/Fixtures/bad-specs/*.yaml")):
    name = path.rsplit("/", 1)[1]
    if not name.startswith(schema_codes):
        continue
    with open(path) as handle:
        documents = [d for d in load_all(handle) if d]
    rejected = any(
        d.get("kind") in schemas and any(True for _ in schemas[d["kind"]].iter_errors(d)) for d in documents
    )
    check(f"{name} should be rejected by its schema", rejected)

print(f"schema-check: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
