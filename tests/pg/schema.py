#!/usr/bin/env python3
"""tests/pg/schema.py: set the schema of a SQLite database beside that of a
PostgreSQL one (the JSON of tests/pg/schema.sql) in one normal form, and
print one TAP-like line per table, one for the set of tables and one for the
index names, with every difference spelt out.

    schema.py SQLITE_FILE PG_JSON_FILE

Compared per table: the columns in order, each with its type class (integer,
text, blob, ...), nullability and default; the primary key; the unique
constraints; the foreign keys (columns, target, ON DELETE); the number of
CHECK constraints; the triggers by name. Compared per index made by CREATE
INDEX (not those that back a key): its table, uniqueness, columns and WHERE.
Exit status 1 when anything differs.

Left out on purpose: schema_migrations, which the program's store makes
itself (db_migrate), not a migration; and the text of CHECK constraints,
which each engine rewrites in its own way (their number is compared); and
the trailing columns of SQLite's covering indexes named in SQLITE_COVERING.
"""
import json
import re
import sqlite3
import sys

SKIP_TABLES = {"schema_migrations"}

# Indexes that SQLite alone makes covering, and the columns after the key
# that PostgreSQL leaves out (a btree entry of its is at most 2,704 bytes,
# and these are not bounded): sql/postgresql/019_audit_list.sql.
SQLITE_COVERING = {"audit_list": ["ts", "addr", "user_agent", "object",
                                  "details", "hash"]}

FK_ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE",
              "n": "SET NULL", "d": "SET DEFAULT"}


def sqlite_type_class(declared):
    """The affinity SQLite gives a declared type (its section 3.1)."""
    t = (declared or "").upper()
    if "INT" in t:
        return "integer"
    if any(s in t for s in ("CHAR", "CLOB", "TEXT")):
        return "text"
    if t == "" or "BLOB" in t:
        return "blob"
    if any(s in t for s in ("REAL", "FLOA", "DOUB")):
        return "real"
    return "numeric"


def pg_type_class(data_type):
    return {
        "bigint": "integer", "integer": "integer", "smallint": "integer",
        "text": "text", "character varying": "text", "character": "text",
        "bytea": "blob", "real": "real", "double precision": "real",
        "numeric": "numeric",
    }.get(data_type, data_type)


def norm_default(value):
    """'0', "''", "'[]'::text" and "('x'::text)" as the same spelling."""
    if value is None:
        return None
    v = value.strip()
    while v.startswith("(") and v.endswith(")"):
        v = v[1:-1].strip()
    v = re.sub(r"::[a-z ]+(\[\])?$", "", v)
    return v


def norm_where(text):
    """An index predicate without case, spaces or parentheses."""
    if text is None:
        return None
    return re.sub(r"[\s()]", "", text).lower()


def new_table():
    return {"columns": [], "primary_key": [], "unique": [],
            "foreign_keys": [], "checks": 0, "triggers": []}


def read_sqlite(path):
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    tables, indexes = {}, {}
    for row in db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table'"
            " AND name NOT LIKE 'sqlite_%' ORDER BY name"):
        name = row["name"]
        if name in SKIP_TABLES:
            continue
        t = new_table()
        pk = []
        for c in db.execute("SELECT * FROM pragma_table_info(?)", (name,)):
            # A key column is never NULL, however SQLite reports it.
            t["columns"].append({
                "name": c["name"],
                "type": sqlite_type_class(c["type"]),
                "notnull": bool(c["notnull"]) or c["pk"] > 0,
                "default": norm_default(c["dflt_value"]),
            })
            if c["pk"] > 0:
                pk.append((c["pk"], c["name"]))
        t["primary_key"] = [n for _, n in sorted(pk)]
        for ix in db.execute("SELECT * FROM pragma_index_list(?)", (name,)):
            cols = [r["name"] for r in db.execute(
                "SELECT name FROM pragma_index_info(?) ORDER BY seqno",
                (ix["name"],))]
            if ix["origin"] == "u":
                t["unique"].append(cols)
            elif ix["origin"] == "c":
                sql = db.execute("SELECT sql FROM sqlite_master WHERE"
                                 " type = 'index' AND name = ?",
                                 (ix["name"],)).fetchone()[0]
                m = re.search(r"\bWHERE\b(.*)$", sql, re.S | re.I)
                extra = SQLITE_COVERING.get(ix["name"], [])
                if extra and cols[-len(extra):] == extra:
                    cols = cols[:-len(extra)]
                indexes[ix["name"]] = {
                    "table": name, "unique": bool(ix["unique"]),
                    "columns": cols,
                    "where": norm_where(m.group(1)) if m else None,
                }
        fks = {}
        for fk in db.execute("SELECT * FROM pragma_foreign_key_list(?)",
                             (name,)):
            f = fks.setdefault(fk["id"], {"columns": [], "ref_table":
                                          fk["table"], "ref_columns": [],
                                          "on_delete": fk["on_delete"]})
            f["columns"].append(fk["from"])
            f["ref_columns"].append(fk["to"])
        for f in fks.values():
            if None in f["ref_columns"]:  # REFERENCES t: its primary key
                f["ref_columns"] = [r["name"] for r in db.execute(
                    "SELECT name FROM pragma_table_info(?) WHERE pk > 0"
                    " ORDER BY pk", (f["ref_table"],))]
            t["foreign_keys"].append(f)
        t["checks"] = len(re.findall(r"\bCHECK\s*\(", row["sql"], re.I))
        t["triggers"] = [r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'"
            " AND tbl_name = ?", (name,))]
        tables[name] = t
    db.close()
    return tables, indexes


def read_pg(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    tables = {n: new_table() for n in doc["tables"] if n not in SKIP_TABLES}
    for c in doc["columns"]:
        if c["table"] in tables:
            tables[c["table"]]["columns"].append({
                "name": c["name"],
                "type": pg_type_class(c["type"]),
                "notnull": not c["nullable"],
                "default": None if c["identity"] else norm_default(c["default"]),
            })
    for k in doc["constraints"]:
        t = tables.get(k["table"])
        if t is None:
            continue
        if k["type"] == "p":
            t["primary_key"] = k["columns"]
        elif k["type"] == "u":
            t["unique"].append(k["columns"])
        elif k["type"] == "f":
            t["foreign_keys"].append({
                "columns": k["columns"], "ref_table": k["ref_table"],
                "ref_columns": k["ref_columns"],
                "on_delete": FK_ACTIONS[k["on_delete"]]})
        elif k["type"] == "c":
            t["checks"] += 1
    for g in doc["triggers"]:
        if g["table"] in tables:
            tables[g["table"]]["triggers"].append(g["name"])
    indexes = {}
    for x in doc["indexes"]:
        if x["constraint"] or x["table"] not in tables:
            continue
        indexes[x["name"]] = {"table": x["table"], "unique": x["unique"],
                              "columns": x["columns"],
                              "where": norm_where(x["where"])}
    return tables, indexes


def sort_lists(t):
    t["unique"].sort()
    t["foreign_keys"].sort(key=lambda f: json.dumps(f, sort_keys=True))
    t["triggers"].sort()
    return t


def table_differences(s, p):
    out = []
    sc = {c["name"]: c for c in s["columns"]}
    pc = {c["name"]: c for c in p["columns"]}
    for n in sc:
        if n not in pc:
            out.append(f"column {n}: only in SQLite")
    for n in pc:
        if n not in sc:
            out.append(f"column {n}: only in PostgreSQL")
    for n in sc:
        if n in pc and sc[n] != pc[n]:
            out.append(f"column {n}: SQLite {json.dumps(sc[n])},"
                       f" PostgreSQL {json.dumps(pc[n])}")
    so = [n for n in sc if n in pc]
    po = [n for n in pc if n in sc]
    if so != po:
        out.append(f"column order: SQLite {so}, PostgreSQL {po}")
    for key in ("primary_key", "unique", "foreign_keys", "checks", "triggers"):
        if s[key] != p[key]:
            out.append(f"{key}: SQLite {json.dumps(s[key])},"
                       f" PostgreSQL {json.dumps(p[key])}")
    return out


def report(ok, desc, details=()):
    print(("ok - " if ok else "not ok - ") + desc)
    for d in details:
        print("#   " + d)
    return ok


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: schema.py SQLITE_FILE PG_JSON_FILE")
    s_tables, s_indexes = read_sqlite(sys.argv[1])
    p_tables, p_indexes = read_pg(sys.argv[2])
    good = True
    only_s = sorted(set(s_tables) - set(p_tables))
    only_p = sorted(set(p_tables) - set(s_tables))
    good &= report(not only_s and not only_p and s_tables != {},
                   f"the same {len(s_tables)} tables on both engines",
                   [f"only in SQLite: {only_s}"] * bool(only_s) +
                   [f"only in PostgreSQL: {only_p}"] * bool(only_p))
    for name in sorted(set(s_tables) & set(p_tables)):
        diff = table_differences(sort_lists(s_tables[name]),
                                 sort_lists(p_tables[name]))
        good &= report(not diff, f"table {name}: columns, nullability,"
                       " defaults, keys and triggers agree", diff)
    diff = []
    for n in sorted(set(s_indexes) | set(p_indexes)):
        if n not in p_indexes:
            diff.append(f"index {n}: only in SQLite")
        elif n not in s_indexes:
            diff.append(f"index {n}: only in PostgreSQL")
        elif s_indexes[n] != p_indexes[n]:
            diff.append(f"index {n}: SQLite {json.dumps(s_indexes[n])},"
                        f" PostgreSQL {json.dumps(p_indexes[n])}")
    good &= report(not diff and s_indexes != {},
                   f"the same {len(s_indexes)} indexes (names, tables,"
                   " columns, uniqueness, WHERE)", diff)
    sys.exit(0 if good else 1)


if __name__ == "__main__":
    main()
