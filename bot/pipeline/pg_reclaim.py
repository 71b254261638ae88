"""After a forget on PostgreSQL, the deleted rows are pushed out of every file of the server's data directory.

A DELETE only marks rows dead; the bytes stay in four places, each handled here:
- the table files: VACUUM FULL rewrites them (the old files are truncated at commit, unlinked at the checkpoint);
- the column statistics (pg_statistic): ANALYZE keeps real cell values there (most common values, histogram
  bounds, so a note's text too); they are recomputed, or dropped for a table left empty, and the catalog is
  rewritten like the tables;
- the write-ahead log (pg_wal): the INSERTs and full-page images stay in the segments until a checkpoint's redo
  point passes them; pg_switch_wal() closes the current segment and CHECKPOINT then removes the older ones;
- recycled segments: with wal_recycle=on a checkpoint renames an old segment for reuse, bytes and all.

What needs privileges the database user lacks, or what the server's settings keep anyway, is not an error:
``reclaim`` returns one line per gap saying what the admin must do, and ``recruitbot forget`` reports each one
as a remaining trace (exit status 1).
"""

from __future__ import annotations

import logging

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

logger = logging.getLogger(__name__)

_INSUFFICIENT_PRIVILEGE = "42501"
_SEGMENT = "^[0-9A-F]{24}$"


def reclaim(engine: Engine, tables: list[str]) -> list[str]:
    """Rewrites the tables, their statistics and the WAL without the deleted rows; returns what is left to do."""
    left: list[str] = []
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        user = connection.execute(text("SELECT current_user")).scalar_one()
        # VACUUM and ANALYZE skip, with only a warning, a table the user does not own; ALTER TABLE fails.
        owned = connection.execute(text(
            "SELECT relname FROM pg_class WHERE oid = ANY(CAST(:tables AS regclass[])) "
            "AND pg_has_role(current_user, relowner, 'USAGE') ORDER BY relname"), {"tables": tables}).scalars().all()
        if set(owned) != set(tables):
            others = ", ".join(sorted(set(tables) - set(owned)))
            left.append(f"PostgreSQL's table files keep the person's deleted rows: the database user {user} does "
                        f"not own {others}; let their owner run VACUUM FULL {others}")
        if owned:
            connection.exec_driver_sql(f"VACUUM FULL {', '.join(owned)}")
            left += _rewrite_statistics(connection, owned)
        # The last segment that can hold the rows: everything up to it must leave pg_wal.
        mark = connection.execute(text("SELECT pg_walfile_name(pg_current_wal_lsn())")).scalar_one()
        pushed = _push_out_of_wal(connection, user)
        left += pushed + _kept_wal(connection, mark, verify=not pushed)
    for line in left:
        logger.warning("Forget left a trace in PostgreSQL: %s", line)
    return left


# The columns of the tables that have statistics, with what declaring each again needs: name, type, collation.
_STATISTICS = text(
    "SELECT DISTINCT c.relname, quote_ident(a.attname), format_type(a.atttypid, a.atttypmod), "
    "CASE WHEN a.attcollation <> t.typcollation THEN quote_ident(co.collname) END "
    "FROM pg_stats s JOIN pg_namespace n ON n.nspname = s.schemaname "
    "JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = s.tablename "
    "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = s.attname "
    "JOIN pg_type t ON t.oid = a.atttypid LEFT JOIN pg_collation co ON co.oid = a.attcollation "
    "WHERE c.oid = ANY(CAST(:tables AS regclass[])) ORDER BY 1, 2")


def _rewrite_statistics(connection: Connection, tables: list[str]) -> list[str]:
    """Replaces the tables' column statistics; they only exist once (auto)ANALYZE ran, and then hold real values."""
    columns: dict[str, list[str]] = {}
    for table, name, kind, collation in connection.execute(_STATISTICS, {"tables": tables}):
        columns.setdefault(table, []).append(f"ALTER COLUMN {name} TYPE {kind}" +
                                             (f" COLLATE {collation}" if collation else ""))
    if not columns:
        return []
    left = []
    connection.exec_driver_sql(f"ANALYZE {', '.join(columns)}")
    for table, alterations in columns.items():
        # ANALYZE of an empty table keeps its old statistics; PostgreSQL drops a column's statistics when the
        # column's type is declared again (the same type: no rewrite), the one way a table's owner has before 18.
        if connection.exec_driver_sql(f"SELECT NOT EXISTS (SELECT 1 FROM {table})").scalar_one():
            try:
                connection.exec_driver_sql(f"ALTER TABLE {table} {', '.join(alterations)}")
            except DBAPIError as exc:  # a view on the column, say: the rows are gone, only statistics are left
                left.append(f"PostgreSQL's column statistics of {table} keep the person's values "
                            f"({str(exc.orig).strip()}): let a superuser run DELETE FROM pg_statistic WHERE "
                            f"starelid = '{table}'::regclass; VACUUM FULL pg_statistic")
    # The replaced statistics are dead rows of pg_statistic, bytes and all, until the catalog is rewritten too.
    if not connection.execute(text(
            "SELECT rolsuper OR pg_has_role(current_user, d.datdba, 'USAGE') FROM pg_roles r, pg_database d "
            "WHERE r.rolname = current_user AND d.datname = current_database()")).scalar_one():
        return left + ["PostgreSQL's column statistics (pg_statistic) keep the person's values as dead rows: "
                       "let a superuser or the database owner run VACUUM FULL pg_statistic"]
    connection.exec_driver_sql("VACUUM FULL pg_statistic")
    return left


def _push_out_of_wal(connection: Connection, user: str) -> list[str]:
    """Closes the WAL segment holding the rows and checkpoints, so that PostgreSQL removes the segments."""
    try:
        connection.execute(text("SELECT pg_switch_wal()"))
        connection.exec_driver_sql("CHECKPOINT")
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) == _INSUFFICIENT_PRIVILEGE:
            return [f"PostgreSQL's WAL keeps the person's rows: user {user} may not checkpoint; GRANT pg_checkpoint "
                    f"TO {user}; GRANT EXECUTE ON FUNCTION pg_switch_wal() TO {user}; or the rows stay until the "
                    "server's own checkpoints remove the segments"]
        return [f"PostgreSQL's WAL keeps the person's rows: switching the WAL failed ({str(exc.orig).strip()}); "
                "run SELECT pg_switch_wal(); CHECKPOINT; as a superuser"]
    return []


def _kept_wal(connection: Connection, mark: str, verify: bool) -> list[str]:
    """What the server's settings keep of the WAL written before ``mark`` although the checkpoint passed it."""
    settings = dict(connection.execute(text(
        "SELECT name, setting FROM pg_settings WHERE name IN ('wal_recycle', 'wal_keep_size', 'archive_mode')")).all())
    left = []
    if settings.get("wal_recycle") == "on":
        left.append("PostgreSQL keeps old WAL segments (wal_recycle=on): set wal_recycle=off, or the rows stay "
                    "until the segments are overwritten")
    if int(settings.get("wal_keep_size", "0")) > 0:
        left.append(f"PostgreSQL keeps {settings['wal_keep_size']} MB of old WAL (wal_keep_size): set "
                    "wal_keep_size=0, or the rows stay until that much newer WAL is written")
    if settings.get("archive_mode", "off") != "off":
        left.append(f"PostgreSQL archives its WAL (archive_mode={settings['archive_mode']}): delete the archived "
                    f"segments up to {mark} and the base backups made before the forget, or the rows stay there")
    slots = connection.execute(text(
        "SELECT slot_name FROM pg_replication_slots WHERE restart_lsn IS NOT NULL "
        "AND pg_walfile_name(restart_lsn) <= :mark ORDER BY slot_name"), {"mark": mark}).scalars().all()
    if slots:
        left.append(f"replication slots ({', '.join(slots)}) hold WAL from before the forget: let their consumers "
                    "catch up or drop the slots, or the rows stay in pg_wal")
    may_list = connection.execute(text("SELECT has_function_privilege('pg_ls_waldir()', 'EXECUTE')")).scalar_one()
    if verify and not left and may_list:
        # A last check where the user may list pg_wal: nothing written before the forget may be left there.
        old = connection.execute(text("SELECT min(name) FROM pg_ls_waldir() WHERE name ~ :segment AND name <= :mark"),
                                 {"segment": _SEGMENT, "mark": mark}).scalar_one()
        if old is not None:
            left.append(f"PostgreSQL still has WAL segment {old} from before the forget in pg_wal: run "
                        "SELECT pg_switch_wal(); CHECKPOINT; as a superuser once nothing keeps it")
    return left
