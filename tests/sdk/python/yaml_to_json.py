"""Prints the YAML documents of the files given as one JSON list (PyYAML's safe loader), so
the Rust tests can read the Kubernetes manifests without a YAML parser of their own."""

import json
import sys

import yaml


def main() -> None:
    docs = []
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8") as f:
            for doc in yaml.safe_load_all(f):
                if doc is not None:
                    docs.append({"file": path, "doc": doc})
    print(json.dumps(docs))


if __name__ == "__main__":
    main()
