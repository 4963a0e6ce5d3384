"""Load or refresh the UK gazetteer from the committed GeoNames extract.

Migrations load it on a fresh database; run this after updating ``gb_places.csv``.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from listings.gazetteer import load_places
from listings.models import Place


class Command(BaseCommand):
    help = "Load or refresh the UK gazetteer (GeoNames, CC BY 4.0) into Place."

    def handle(self, *args, **options):
        with transaction.atomic():
            created, updated = load_places(Place)
        self.stdout.write(f"Places: {created} created, {updated} updated.")
