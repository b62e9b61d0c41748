"""Reads a Prometheus text exposition on stdin with the official client's parser, as a
scraper would, and prints its samples as JSON lines: {"name", "labels", "value", "type"}.
Exits non-zero when the text does not parse."""

import json
import sys

from prometheus_client.parser import text_string_to_metric_families


def main() -> None:
    text = sys.stdin.read()
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            print(
                json.dumps(
                    {
                        "name": sample.name,
                        "labels": sample.labels,
                        "value": sample.value,
                        "type": family.type,
                    }
                )
            )


if __name__ == "__main__":
    main()
