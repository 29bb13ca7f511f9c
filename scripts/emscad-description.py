#!/usr/bin/env python3
"""Writes EMSCAD (../shared/data/emscad_mit_et6) with each advert cut to its description, for the figures that
the completeness bias cannot inflate.

In that copy every legitimate advert has all five fields (title, company profile, description, requirements,
benefits; paragraphs separated by a blank line) while most frauds lack some, so the full text tells the classes
apart by what is missing. Fields are not labeled in the text, so the description is taken as the longest
paragraph after the title: the same rule for both classes. The output goes outside the repository (the data's
licence does not let us copy it in).

Usage: scripts/emscad-description.py [INPUT] OUTPUT
"""
import json
import sys


def description(text: str) -> str:
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    body = paragraphs[1:] or paragraphs
    return max(body, key=len)


def main() -> None:
    args = sys.argv[1:]
    source = args[0] if len(args) == 2 else "../shared/data/emscad_mit_et6/data.jsonl"
    target = args[-1]
    with open(source, encoding="utf-8") as inp, open(target, "w", encoding="utf-8") as out:
        for line in inp:
            record = json.loads(line)
            record["text"] = description(record["text"])
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
