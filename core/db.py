"""Bulk inserts for imports (PostgreSQL: one array parameter per column)."""

from collections.abc import Sequence

from django.db import connection, models

PLAIN_FIELDS = (
    models.CharField, models.TextField, models.IntegerField, models.BooleanField,
    models.DateField, models.ForeignKey,
)  # fmt: skip


def insert_rows(
    model, fields: Sequence[str], rows: Sequence[Sequence], *, ignore_conflicts=False
) -> list[int]:
    """Insert plain rows (tuples of `fields`' values, as stored) in one statement; returns the
    new ids in the rows' order (none for rows skipped as conflicts).

    For imports of many rows: no model instance, no per-value preparation, and one array
    parameter per column (`unnest`), whatever the number of rows. Like bulk_create,
    it sends no signals and fills no field that is not named (defaults, auto_now)."""
    if not rows:
        return []
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    names = ", ".join(quote(c.column) for c in columns)
    arrays = ", ".join(f"%s::{c.db_type(connection)}[]" for c in columns)
    conflicts = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({names}) SELECT * FROM unnest({arrays})"  # noqa: S608 (names from the model; values are parameters)
        f"{conflicts} RETURNING {quote(meta.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(values) for values in zip(*rows, strict=True)])
        return [pk for (pk,) in cursor.fetchall()]


def insert_objects(objects: Sequence) -> None:
    """`insert_rows` for unsaved instances of one model (every concrete field, as save() would
    fill it: defaults, auto_now); sets their ids."""
    if not objects:
        return
    model = type(objects[0])
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    # Values of these fields go to the database as they are (Django's preparation of them is
    # the identity on PostgreSQL, and costs most of an import's Python time); others are
    # prepared as save() would.
    plain = [isinstance(f, PLAIN_FIELDS) for f in fields]
    rows = [
        [
            value if is_plain else f.get_db_prep_save(value, connection)
            for f, is_plain, value in zip(
                fields, plain, (f.pre_save(obj, True) for f in fields), strict=True
            )
        ]
        for obj in objects
    ]
    for obj, pk in zip(objects, insert_rows(model, [f.name for f in fields], rows), strict=True):
        obj.pk = pk
        obj._state.adding = False
