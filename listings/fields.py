"""Model fields of the listings that the database keeps, not Django."""

from __future__ import annotations

from django.db import models
from django.db.models import Lookup


class PlaceIdsField(models.Field):
    """A vacancy's place ids as the database keeps them beside its words.

    On PostgreSQL an ``integer[]`` that triggers keep equal to the vacancy's rows in the
    vacancy-places table (migration 0025), so the live vacancies' full-text index can hold
    the places too and a search by keywords and place finds its rows in the index alone.
    Django never writes it: it is not editable, not serialised, and a save that sends a stale
    copy back is corrected by the trigger. On SQLite it is an unused text column (NULL).
    """

    description = "The vacancy's place ids (kept by the database)"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("serialize", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for key in ("null", "blank", "editable", "serialize"):
            kwargs.pop(key, None)
        return name, path, args, kwargs

    def db_type(self, connection):
        return "integer[]" if connection.vendor == "postgresql" else "text"


@PlaceIdsField.register_lookup
class Overlaps(Lookup):
    """``place_ids__overlaps=[1, 2]``: the vacancy has at least one of these places
    (PostgreSQL's ``&&``, which the GIN index answers)."""

    lookup_name = "overlaps"

    def get_db_prep_lookup(self, value, connection):
        return "%s", [[int(pk) for pk in value]]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} && {rhs}::integer[]", (*lhs_params, *rhs_params)
