"""The pandas contender: what a Python export job usually does. Usage: pandas_export.py QUERY FILE.

Connects with psycopg2 using the libpq environment (PGHOST, PGPORT, PGDATABASE, PGUSER) that bench/run.sh sets,
reads the whole result into a DataFrame and writes it as CSV without the index.
"""
import sys

import pandas
import psycopg2

query, path = sys.argv[1], sys.argv[2]
with psycopg2.connect("") as conn:
    frame = pandas.read_sql(query, conn)
frame.to_csv(path, index=False)
