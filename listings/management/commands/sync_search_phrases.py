"""Make the search's phrase table equal to ``vocabulary.toml`` (PostgreSQL).

Run at each deploy, after ``migrate``: with the vocabulary unchanged it changes nothing. A
new phrase is added and the live vacancies holding it get its token, in one transaction
(employers' saves of vacancies wait for it); a phrase gone from the vocabulary is retired,
then deleted by a run a day later (``listings.search.phrases``). ``--migration`` prints the
phrase list for a migration like ``listings/0026_search_phrases``, which a vocabulary change
needs too: a test checks that a fresh database's table matches the vocabulary.
"""

from django.core.management.base import BaseCommand
from django.db import connection

from listings.search import sync_search_phrases, vocabulary_phrases


class Command(BaseCommand):
    help = "Make the search's phrase table equal to vocabulary.toml and tag the live vacancies."

    def add_arguments(self, parser):
        parser.add_argument(
            "--migration",
            action="store_true",
            help="Print the vocabulary's phrases as a migration's PHRASES list; change nothing.",
        )

    def handle(self, *args, migration=False, **options):
        if migration:
            self.stdout.write("PHRASES = [")
            for phrase in vocabulary_phrases():
                self.stdout.write(f'    "{phrase}",')
            self.stdout.write("]")
            return
        if connection.vendor != "postgresql":
            self.stdout.write("Nothing to do: only PostgreSQL keeps phrase tokens.")
            return
        done = sync_search_phrases()
        if not done:
            self.stdout.write("The phrase table already matches the vocabulary.")
            return
        for label, tokens in (
            ("added", done.added),
            ("revived", done.revived),
            ("respelled", done.respelled),
            ("retired", done.retired),
            ("deleted", done.deleted),
        ):
            if tokens:
                self.stdout.write(f"{label}: {len(tokens)} ({', '.join(tokens)})")
        self.stdout.write(f"{done.tagged} live vacancies given a new token.")
