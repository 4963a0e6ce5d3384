"""The write load of a busy board, through the project's services as an employer's would be.

    python -m bench.writes --database-url postgres://... [--redis-url redis://...] \
        [--every 2] [--expiry-every 300] [--seconds 600]

Every ``--every`` seconds one write, in turn: a new vacancy published (``vacancy_duplicate``
of a live one, its closing date set, then ``vacancy_publish``), a live vacancy edited
(``vacancy_update`` of its title and description), a live vacancy closed (``vacancy_close``); every ``--expiry-every``
seconds an expiry run (``listings.expiry.run_expiry``); with ``--warm-every`` it also does
the beat's ``warm-search-cubes`` (``--every 0``: that alone). It runs until ``--seconds`` have
passed or it is sent SIGTERM, then prints one ``WRITES {...}`` line: how many of each it did,
how long they took, and any errors. ``bench.load --writes-every`` starts it beside the server.

Only for a benchmark database: it changes the vacancies it touches for good.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _setup(args) -> None:
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobboard.settings")
    if args.redis_url:
        os.environ["REDIS_URL"] = args.redis_url
        os.environ["CELERY_BROKER_URL"] = args.redis_url
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", default="")
    parser.add_argument("--every", type=float, default=2.0)
    parser.add_argument("--expiry-every", type=float, default=300.0)
    parser.add_argument("--warm-every", type=float, default=0.0, help="the beat's cube warming")
    parser.add_argument("--seconds", type=float, default=3600.0)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)
    _setup(args)

    from datetime import timedelta

    from django.db.models import Max
    from django.utils import timezone

    from listings import services
    from listings.expiry import run_expiry
    from listings.models import Vacancy, VacancyOutcome
    from listings.search import warm_cubes

    rng = random.Random(args.seed)
    top = Vacancy.objects.aggregate(top=Max("id"))["top"] or 0
    done: dict[str, list[float]] = {
        "publish": [], "edit": [], "close": [], "expiry": [], "warm": []
    }  # fmt: skip
    errors: list[str] = []
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))

    def a_live_vacancy() -> Vacancy:
        """A live vacancy of a verified employer, picked at random by id."""
        while True:
            start = rng.randint(1, top)
            vacancy = (
                Vacancy.objects.live()
                .filter(id__gte=start, employer__verified=True)
                .select_related("employer")
                .order_by("id")
                .first()
            )
            if vacancy is not None:
                return vacancy

    def publish() -> None:
        # As an employer re-advertising a post: duplicate a live vacancy, date it, publish.
        draft = services.vacancy_duplicate(vacancy=a_live_vacancy())
        draft = services.vacancy_update(
            vacancy=draft,
            title=f"{draft.title} (new)",
            closes_at=timezone.now() + timedelta(days=rng.randint(7, 40)),
        )
        services.vacancy_publish(vacancy=draft)

    def edit() -> None:
        vacancy = a_live_vacancy()
        services.vacancy_update(
            vacancy=vacancy,
            title=vacancy.title.removesuffix(" (edited)") + " (edited)",
            description=vacancy.description + "\n\nUpdated today.",
        )

    def close() -> None:
        services.vacancy_close(vacancy=a_live_vacancy(), outcome=VacancyOutcome.FILLED_ELSEWHERE)

    def expire() -> None:  # the beat's run, without the employers' summary emails
        run_expiry(now=timezone.now(), send_summary=lambda employer_id, vacancy_ids: 0)

    actions = [("publish", publish), ("edit", edit), ("close", close)]
    started = time.monotonic()
    next_expiry = started + args.expiry_every
    next_warm = started
    turn = 0
    pause = args.every if args.every > 0 else 1.0
    while not stopping and time.monotonic() - started < args.seconds:
        tick = time.monotonic()
        if args.warm_every and tick >= next_warm:
            name, action = "warm", warm_cubes
            next_warm = tick + args.warm_every
        elif args.every <= 0:
            time.sleep(pause)
            continue
        elif tick >= next_expiry:
            name, action = "expiry", expire
            next_expiry = tick + args.expiry_every
        else:
            name, action = actions[turn % len(actions)]
            turn += 1
        try:
            action()
            done[name].append(time.monotonic() - tick)
        except Exception as exc:  # noqa: BLE001 - reported, the load goes on
            errors.append(f"{name}: {exc!r}"[:200])
        time.sleep(max(0.0, pause - (time.monotonic() - tick)))
    summary = {
        name: {
            "n": len(times),
            "median_ms": round(statistics.median(times) * 1000, 1) if times else None,
        }
        for name, times in done.items()
    }
    summary["errors"] = errors[:10]
    summary["error_count"] = len(errors)
    print("WRITES " + json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
