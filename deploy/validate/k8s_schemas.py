"""Kubernetes JSON schemas for kubeconform, offline.

The schemas come from the `kubernetes-validate` wheel on PyPI (the machine reaches PyPI but not
GitHub). Its kind schemas point into one shared `/api/_definitions.json` by an absolute URL that
kubeconform cannot resolve offline, so each kind is written out standalone: its own schema plus
the definitions it reaches, with every `$ref` made local.

    python3 k8s_schemas.py <wheel> <kubernetes version, e.g. 1.33.0> <out dir>

writes <out dir>/v<version>-local-strict/<kind>-<group>-<version>.json, the layout kubeconform's
-schema-location template expects.
"""

import json
import os
import re
import sys
import zipfile
from pathlib import PurePosixPath

REF = re.compile(r'"\$ref": "(?:/api/_definitions\.json)?#/\$defs/([^"]+)"')

def reachable(names, definitions):
    """The definitions `names` need, directly or through other definitions."""
    seen, todo = set(), list(names)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo.extend(REF.findall(json.dumps(definitions[name])))
    return seen

def standalone(kind_schema, definitions):
    text = json.dumps(kind_schema)
    needed = reachable(REF.findall(text), definitions)
    kind_schema = json.loads(REF.sub(r'"$ref": "#/$defs/\1"', text))
    defs = {name: definitions[name] for name in sorted(needed)}
    kind_schema["$defs"] = json.loads(REF.sub(r'"$ref": "#/$defs/\1"', json.dumps(defs)))
    kind_schema.pop("$id", None)
    return kind_schema

def main(wheel, version, out):
    folder = f"v{version}-local-strict"
    prefix = f"kubernetes_validate/kubernetes-json-schema/{folder}/"
    target = PurePosixPath(out) / folder
    with zipfile.ZipFile(wheel) as archive:
        names = [n for n in archive.namelist() if n.startswith(prefix) and n.endswith(".json")]
        if not names:
            sys.exit(f"k8s-schemas: {wheel} has no {folder} schemas")
        definitions = json.loads(archive.read(prefix + "_definitions.json"))["$defs"]

        os.makedirs(target, exist_ok=True)
        written = 0
        for name in names:
            base = PurePosixPath(name).name
            if base == "_definitions.json":
                continue
            schema = standalone(json.loads(archive.read(name)), definitions)
            with open(target / base, "w", encoding="utf-8") as f:
                json.dump(schema, f)
            written += 1
    print(f"k8s-schemas: {written} kind schemas for Kubernetes {version} in {target}", file=sys.stderr)

if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
