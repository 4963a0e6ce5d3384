"""Build the derived place tables (postcode districts and sectors, local authorities, the
gazetteer's areas) from the ONS Postcode Directory, as committed under ``listings/data/``.

Run it when the postcode package is updated; it needs the development dependencies (pyproj
converts grid references). ``--dry-run`` builds and reports without writing.
"""

from pathlib import Path

from django.core.management.base import BaseCommand

from listings import placedata


class Command(BaseCommand):
    help = "Build listings/data/ postcode and area tables from the ONS Postcode Directory."

    def add_arguments(self, parser):
        parser.add_argument("--postcodes-dir", type=Path, help="Folder of postcodes_*.msgpack.br")
        parser.add_argument("--authorities", type=Path, help="Authority records (JSON)")
        parser.add_argument("--out", type=Path, default=placedata.DATA_DIR)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, postcodes_dir, authorities, out, dry_run, **options):
        if postcodes_dir is None or authorities is None:
            default_dir, default_records = placedata.package_inputs()
        postcodes_dir = postcodes_dir or default_dir
        records = placedata.read_records(authorities) if authorities else default_records
        tables = placedata.build(postcodes_dir, records)
        for key, value in tables["summary"].items():
            self.stdout.write(f"{key}: {value}")
        if dry_run:
            return
        for filename, size in placedata.write_tables(tables, out).items():
            self.stdout.write(f"wrote {filename}: {size:,} bytes")
