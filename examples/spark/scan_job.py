#!/usr/bin/env python3
"""Scans a JSON Lines dataset with redflag on Spark: RDD.pipe() over `redflag scan -q -`.

Every input line yields exactly one output line, in input order, as `redflag scan` prints it: a verdict, or an
error record. Line numbers (the id of a record without one, and an error record's `line`) are renumbered from
each partition's count to the whole input's, so the output equals a direct `redflag scan` of the same file.

    spark-submit --files /path/to/redflag examples/spark/scan_job.py INPUT OUTPUT

The redflag binary travels with `--files`. Traps this job avoids:
- pipe() gives the command an empty environment: `env=` passes one (LANG, and LD_LIBRARY_PATH when set);
- with no PATH, the binary is called by path: in local mode the driver's SparkFiles copy (SparkFiles.get),
  on a cluster the executor's copy, which Spark puts in the executor's working directory;
- checkCode=True, so a command that fails fails the job. `redflag scan` exits 1 when some records were error
  records (they are in the output, which is what we want), so a small /bin/sh wrapper turns exit 1 into 0 and
  keeps exit 2 (bad usage, bad pattern set) a failure.
"""
import argparse
import json
import os
import shlex

from pyspark import SparkFiles
from pyspark.sql import SparkSession


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input", help="JSON Lines file (or folder, or glob) to scan")
    parser.add_argument("output", help="folder for the results (JSON Lines part files, in input order)")
    parser.add_argument("--binary-name", default="redflag", help="file name of the binary shipped with --files")
    parser.add_argument("--field", default="text", help="the field that holds the text")
    parser.add_argument("--id-field", default="id", help="the field that holds the record id")
    parser.add_argument("--partitions", type=int, default=None, help="minimum number of input partitions")
    parser.add_argument("--scan-option", action="append", default=[],
                        help="an extra option for redflag scan, e.g. --scan-option=--language=fr (repeatable)")
    return parser.parse_args()


def binary_path(spark_context, name):
    """Where the executors find the binary shipped with --files."""
    if spark_context.master.startswith("local"):
        return SparkFiles.get(name)  # local mode: executors run in the driver, which keeps files here
    return os.path.join(".", name)  # executors keep --files in their working directory


def has_own_id(line, id_field):
    """Whether redflag takes this line's id from the record (else it numbers the line)."""
    try:
        record = json.loads(line)
    except ValueError:
        return False
    if not isinstance(record, dict):
        return False
    value = record.get(id_field)
    return isinstance(value, str) or (isinstance(value, (int, float)) and not isinstance(value, bool))


def renumber(offsets, id_field):
    """Rewrites partition line numbers as input line numbers, textually (the rest of each line is untouched)."""

    def rewrite(partition, pairs):
        for local, (line, result) in enumerate(pairs, start=1):
            number = offsets[partition] + local
            if number == local:
                yield result
                continue
            prefix = '{"id":%d,' % local
            if result.startswith(prefix) and not has_own_id(line, id_field):
                result = '{"id":%d,' % number + result[len(prefix):]
            suffix = ',"line":%d}}' % local
            if '"error":{' in result and result.endswith(suffix):
                result = result[: -len(suffix)] + ',"line":%d}}' % number
            yield result

    return rewrite


def main():
    arguments = parse_arguments()
    spark = SparkSession.builder.appName("redflag-scan").getOrCreate()
    context = spark.sparkContext
    lines = context.textFile(arguments.input, minPartitions=arguments.partitions)
    binary = binary_path(context, arguments.binary_name)
    scan = [binary, "scan", "-q", "--field", arguments.field, "--id-field", arguments.id_field, *arguments.scan_option, "-"]
    command = "/bin/sh -c %s" % shlex.quote('"$@"; status=$?; [ "$status" -le 1 ] || exit "$status"') + " sh " + " ".join(
        shlex.quote(part) for part in scan)
    environment = {"LANG": "C.UTF-8"}
    if "LD_LIBRARY_PATH" in os.environ:
        environment["LD_LIBRARY_PATH"] = os.environ["LD_LIBRARY_PATH"]
    results = lines.pipe(command, env=environment, checkCode=True)
    counts = lines.mapPartitionsWithIndex(lambda index, part: [(index, sum(1 for _ in part))]).collectAsMap()
    offsets, total = {}, 0
    for index in sorted(counts):
        offsets[index] = total
        total += counts[index]
    # One output line per input line, in order, so the two RDDs zip partition by partition.
    lines.zip(results).mapPartitionsWithIndex(renumber(offsets, arguments.id_field)).saveAsTextFile(arguments.output)
    spark.stop()


if __name__ == "__main__":
    main()
