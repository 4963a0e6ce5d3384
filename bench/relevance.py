"""Relevance benchmark: nDCG@10 and precision@10 of the keyword search on a labelled set.

    python -m bench.relevance --database-url postgres://postgres@127.0.0.1:5432/jobboard_i16_bench \
        [--seed --vacancies 20000 --employers 400] [--no-migrate] [--per-query] [--out FILE]

(``--database-url sqlite:////tmp/relevance.sqlite3`` scores the portable backend the same way.)

``bench/relevance.toml`` holds the queries and their judgements (graded by the demo data's
titles and professions, so they hold for any seed). Each query runs through the search's
interface as a seeker's ``/jobs/?q=...`` does (relevance order, the first ten results); a
result's gain is ``2**grade - 1`` and the ideal ranking is every live vacancy of the
database sorted by grade. Precision counts results graded 2 or 3. The misspelt searches
(``[[typo]]``) score whether "Did you mean …?" offers the expected correction, after the
dictionary of live words is refreshed. Prints a Markdown summary (and per query with
``--per-query``); docs/benchmarks.md records it.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
import tomllib
from pathlib import Path

from bench.search import prepare, setup_django

ROOT = Path(__file__).resolve().parent.parent
JUDGEMENTS = ROOT / "bench" / "relevance.toml"
DEPTH = 10
RELEVANT = 2


def grade(judged: dict, title: str, profession: str) -> int:
    """A vacancy's grade for one query: by its exact title if judged, else its profession."""
    for value, titles in judged.get("titles", {}).items():
        if title in titles:
            return int(value)
    for value, slugs in judged.get("professions", {}).items():
        if profession in slugs:
            return int(value)
    return 0


def dcg(grades: list[int]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(grades))


def score(judged: dict, ranked: list[tuple[str, str]], pool: list[tuple[str, str]]) -> dict:
    """nDCG@10 and precision@10 of ``ranked`` (title, profession slug) against ``pool``."""
    grades = [grade(judged, t, p) for t, p in ranked[:DEPTH]]
    ideal = sorted((grade(judged, t, p) for t, p in pool), reverse=True)[:DEPTH]
    best = dcg(ideal)
    return {
        "ndcg": dcg(grades) / best if best else 0.0,
        "precision": sum(g >= RELEVANT for g in grades) / DEPTH,
        "found": len(ranked),
        "grades": grades,
    }


def run(per_query: bool) -> str:
    from django.utils import timezone

    import listings.search as search
    from listings.models import Vacancy

    now = timezone.now()
    data = tomllib.loads(JUDGEMENTS.read_text(encoding="utf-8"))
    pool = list(Vacancy.objects.live(now=now).values_list("title", "profession__slug"))
    rows, timings = [], []
    for judged in data["query"]:
        started = time.perf_counter()
        found = search.search_vacancies(search.parse_search({"q": judged["q"]}, now=now))
        ranked = list(found.values_list("title", "profession__slug")[:DEPTH])
        timings.append((time.perf_counter() - started) * 1000)
        rows.append((judged["q"], score(judged, ranked, pool)))
    ndcg = statistics.mean(r["ndcg"] for _q, r in rows)
    precision = statistics.mean(r["precision"] for _q, r in rows)
    empty = sum(1 for _q, r in rows if r["found"] == 0)
    lines = [
        f"{len(rows)} queries over {len(pool):,} live vacancies: "
        f"**nDCG@10 {ndcg:.3f}**, **precision@10 {precision:.3f}**, {empty} with no result; "
        f"median {statistics.median(timings):.1f} ms per query (top ten, in-process).",
    ]
    if hasattr(search, "refresh_search_words"):
        words = search.refresh_search_words(now=now)
        hits = []
        for typo in data.get("typo", []):
            results = search.search_page(search.parse_search({"q": typo["q"]}, now=now))
            offered = results.suggestion.q if results.suggestion else None
            hits.append((typo["q"], offered, offered == typo["expect"]))
        right = sum(1 for *_rest, ok in hits if ok)
        lines.append(
            f"Did you mean: {right} of {len(hits)} misspelt searches offered the expected "
            f"correction (dictionary of {words:,} words)."
        )
        if per_query:
            lines += [f"- typo `{q}` → `{offered}`" for q, offered, _ok in hits]
    else:
        lines.append("Did you mean: not offered by this version.")
    if per_query:
        lines += [
            "",
            "| query | nDCG@10 | P@10 | found | grades of the top ten |",
            "|---|---|---|---|---|",
        ]
        for q, r in rows:
            lines.append(
                f"| `{q}` | {r['ndcg']:.3f} | {r['precision']:.1f} | {r['found']} | "
                f"{' '.join(map(str, r['grades']))} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--seed", action="store_true", help="seed_demo if the database is empty")
    parser.add_argument("--vacancies", type=int, default=20_000)
    parser.add_argument("--employers", type=int, default=400)
    parser.add_argument("--no-migrate", action="store_true")
    parser.add_argument("--per-query", action="store_true")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    setup_django(args.database_url)
    if args.database_url.startswith("sqlite"):  # (no VACUUM ANALYZE there)
        from django.core.management import call_command

        from listings.models import Vacancy

        if not args.no_migrate:
            call_command("migrate", verbosity=0)
        if args.seed and not Vacancy.objects.exists():
            call_command(
                "seed_demo", employers=args.employers, vacancies=args.vacancies, no_progress=True
            )
    else:
        prepare(
            seed=args.seed,
            vacancies=args.vacancies,
            employers=args.employers,
            migrate=not args.no_migrate,
        )
    report = run(args.per_query)
    print(report)
    if args.out:
        args.out.write_text(report + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
