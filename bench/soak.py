"""Soak test: many concurrent seekers and employers against gunicorn + PostgreSQL on loopback.

    python -m bench.soak --database-url postgres://postgres@127.0.0.1:5432/jobboard_bench \
        [--redis-url redis://127.0.0.1:6379/3] [--clients 50] [--duration 60]

Each client is a thread with its own HTTP session and a role: seekers search and read
vacancies, subscribers sign up for job alerts through the HTML form (with its CSRF token),
employers post and publish vacancies through the API with their own token. Any 5xx, refused
connection or unexpected status counts as an error. Afterwards every vacancy an employer was
told was created, and every address that was told its subscription was saved, is looked up
in the database: nothing may be missing. The run is bounded in time and stops by itself.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field

import requests

from bench.load import free_port, server_env, start_server, wait_for

SEARCHES = [
    "/jobs/",
    "/jobs/?q=nurse",
    "/jobs/social-worker/",
    "/jobs/?profession=care-worker&location=leeds&radius=20",
    "/jobs/?salary_min=30000&sort=salary",
    "/jobs/registered-nurse/in/manchester/",
    "/employers/",
]
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    created_refs: list[str] = field(default_factory=list)
    subscribed: list[str] = field(default_factory=list)

    def record(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)

    def error(self, message: str) -> None:
        with self.lock:
            self.errors.append(message)


def timed(tally: Tally, kind: str, call, *args, expect: tuple[int, ...], **kwargs):
    started = time.perf_counter()
    try:
        response = call(*args, timeout=30, **kwargs)
    except requests.RequestException as exc:
        tally.error(f"{kind}: {type(exc).__name__}: {exc}")
        return None
    tally.record(kind, time.perf_counter() - started)
    if response.status_code not in expect:
        tally.error(f"{kind}: HTTP {response.status_code} for {response.request.url}")
        return None
    return response


def new_session() -> requests.Session:
    """A client behind the TLS-terminating proxy production runs behind (it sets the header)."""
    session = requests.Session()
    session.headers["X-Forwarded-Proto"] = "https"
    return session


def seeker(base: str, deadline: float, tally: Tally, rng: random.Random, vacancy_paths):
    session = new_session()
    while time.monotonic() < deadline:
        timed(tally, "search", session.get, base + rng.choice(SEARCHES), expect=(200,))
        if vacancy_paths:
            timed(
                tally, "vacancy page", session.get, base + rng.choice(vacancy_paths), expect=(200,)
            )


def subscriber(base: str, deadline: float, tally: Tally, rng: random.Random, number: int):
    session = new_session()
    n = 0
    while time.monotonic() < deadline:
        n += 1
        page = timed(
            tally,
            "alert form",
            session.get,
            f"{base}/alerts/subscribe/?query=profession%3Dsocial-worker",
            expect=(200,),
        )
        if page is None:
            continue
        token = CSRF_INPUT.search(page.text)
        cookie = page.cookies.get("csrftoken")
        if not token or not cookie:
            tally.error("alert form: no CSRF token in the page or cookie")
            continue
        email = f"soak-{number}-{n}@example.net"
        answer = timed(
            tally, "alert sign-up", session.post, f"{base}/alerts/subscribe/",
            data={"csrfmiddlewaretoken": token.group(1), "email": email,
                  "query": "profession=social-worker", "frequency": "daily"},
            # The CSRF cookie is Secure: a browser behind TLS sends it, plain HTTP here does not.
            headers={"Referer": base.replace("http://", "https://") + "/alerts/subscribe/",
                     "Cookie": f"csrftoken={cookie}"},
            allow_redirects=False, expect=(302,),
        )  # fmt: skip
        if answer is not None:
            with tally.lock:
                tally.subscribed.append(email)


def employer(base: str, deadline: float, tally: Tally, rng: random.Random, token: str):
    session = new_session()
    session.headers["Authorization"] = f"Token {token}"
    closes = time.time() + 30 * 86400
    while time.monotonic() < deadline:
        body = {
            "title": f"Soak Support Worker {rng.randrange(10**6)}",
            "profession": "support-worker",
            "description": "Supporting adults with learning disabilities to live well at home.",
            "places": [rng.choice(["leeds", "bradford", "york", "sheffield"])],
            "salary_min": "24000",
            "salary_max": "26000",
            "salary_period": "year",
            "apply_url": "https://example.org/apply",
            "closes_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(closes)),
        }
        created = timed(
            tally,
            "api create",
            session.post,
            f"{base}/api/v1/employer/vacancies/",
            json=body,
            expect=(201,),
        )
        if created is None:
            continue
        reference = created.json()["reference"]
        with tally.lock:
            tally.created_refs.append(reference)
        timed(
            tally,
            "api publish",
            session.post,
            f"{base}/api/v1/employer/vacancies/{reference}/publish/",
            expect=(200,),
        )


def prepare(env: dict[str, str], employers: int) -> tuple[list[str], list[str]]:
    """Tokens for verified employer members, and a sample of live vacancy pages."""
    os.environ.update(env)
    import django

    django.setup()
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from employers.models import Employer, Membership, User
    from listings.models import Vacancy

    tokens = []
    for employer_obj in Employer.objects.filter(verified=True).order_by("id")[:employers]:
        user, _ = User.objects.get_or_create(
            email=f"soak-owner-{employer_obj.id}@example.org",
            defaults={"email_verified_at": timezone.now()},
        )
        Membership.objects.get_or_create(
            user=user, employer=employer_obj, defaults={"role": "owner"}
        )
        tokens.append(Token.objects.get_or_create(user=user)[0].key)
    paths = [
        f"/vacancies/{ref}/{slug}/"
        for ref, slug in Vacancy.objects.live()
        .order_by("-published_at")
        .values_list("reference", "slug")[:200]
    ]
    return tokens, paths


def verify(tally: Tally) -> tuple[int, int]:
    """How many of the created vacancies and saved subscriptions are missing afterwards."""
    from listings.models import JobAlert, Vacancy

    refs = set(
        Vacancy.objects.filter(reference__in=tally.created_refs).values_list("reference", flat=True)
    )
    emails = set(
        JobAlert.objects.filter(email__in=tally.subscribed).values_list("email", flat=True)
    )
    return len(set(tally.created_refs) - refs), len(set(tally.subscribed) - emails)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", default="")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    args = parser.parse_args(argv)
    args.duration = max(5, min(args.duration, 600))  # bounded, whatever is asked

    env = server_env(args)
    # Generous limits: the soak measures capacity, not the anti-abuse throttles.
    env.update({
        "ALERT_SIGNUPS_PER_IP_PER_HOUR": "1000000",
        "ALERT_SIGNUPS_PER_ADDRESS_PER_HOUR": "1000",
        "API_USER_RATE": "1000000/minute",
        "API_ANON_RATE": "1000000/minute",
    })  # fmt: skip
    roles = ["seeker"] * 7 + ["subscriber"] * 2 + ["employer"] * 1
    plan = [roles[i % len(roles)] for i in range(args.clients)]
    tokens, vacancy_paths = prepare(env, employers=plan.count("employer"))

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(env, port=port, workers=args.workers)
    tally = Tally()
    try:
        wait_for(f"{base}/healthz")
        deadline = time.monotonic() + args.duration
        threads = []
        employer_tokens = iter(tokens)
        for number, role in enumerate(plan):
            rng = random.Random(number)
            if role == "seeker":
                target, extra = seeker, (vacancy_paths,)
            elif role == "subscriber":
                target, extra = subscriber, (number,)
            else:
                target, extra = employer, (next(employer_tokens),)
            threads.append(
                threading.Thread(target=target, args=(base, deadline, tally, rng, *extra))
            )
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=args.duration + 60)
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=30)

    missing_vacancies, missing_alerts = verify(tally)
    total = sum(len(v) for v in tally.latencies.values())
    print(f"{args.clients} clients for {args.duration} s against {args.workers} gunicorn workers: "
          f"{total} requests, {total / elapsed:.0f} req/s, {len(tally.errors)} errors")  # fmt: skip
    print("| request | count | p50 ms | p95 ms | p99 ms |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for kind, values in sorted(tally.latencies.items()):
        cuts = statistics.quantiles(values, n=100) if len(values) > 1 else values * 99
        print(
            f"| {kind} | {len(values)} | {cuts[49] * 1000:.1f} | {cuts[94] * 1000:.1f} | {cuts[98] * 1000:.1f} |"
        )
    print(f"vacancies created: {len(tally.created_refs)}, missing afterwards: {missing_vacancies}")
    print(f"alert sign-ups saved: {len(tally.subscribed)}, missing afterwards: {missing_alerts}")
    for message in tally.errors[:20]:
        print("error:", message)
    if tally.errors or missing_vacancies or missing_alerts:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
