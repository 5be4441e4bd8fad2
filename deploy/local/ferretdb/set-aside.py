"""Moves aside the database files in FerretDB's SQLite data folder that FerretDB cannot open.

FerretDB (SQLite backend) keeps one file per database with a `_ferretdb_collections` table that it
creates first. A file without it and without any other table was cut short while being created
(FerretDB stopped mid-test); FerretDB then refuses to start ("no such table: _ferretdb_collections").
Such a file holds no collection, so moving it to ../set-aside/ loses nothing. Prints each name moved.
"""
import os
import sqlite3
import sys


def tables_of(path):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {row[0] for row in db.execute("select name from sqlite_master where type = 'table'")}
    finally:
        db.close()


def main(data):
    aside = os.path.join(os.path.dirname(os.path.abspath(data)), "set-aside")
    for name in sorted(os.listdir(data)):
        path = os.path.join(data, name)
        if not name.endswith(".sqlite") or not os.path.isfile(path):
            continue
        try:
            tables = tables_of(path)
        except sqlite3.Error:
            continue  # damaged otherwise: FerretDB's own error says what is wrong, and nothing is moved
        if tables:
            continue
        os.makedirs(aside, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.replace(path + suffix, os.path.join(aside, name + suffix))
        print(name)


if __name__ == "__main__":
    main(sys.argv[1])
