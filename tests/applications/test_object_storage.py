"""CVs on object storage: django-storages and boto3 against an S3 endpoint on loopback.

moto's server answers the S3 protocol over HTTP, so everything on the board's side is the
production path: the upload through the apply form, the private ACL, the signed URL the CV
view redirects to, fetched over HTTP, and the object deleted with the application.
"""

from __future__ import annotations

import socket
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from django.core.files.storage import storages
from django.urls import reverse

from applications import candidate_services
from applications.models import Application, CandidateProfile
from tests.applications import documents
from tests.applications.conftest import details_data, upload

moto_server = pytest.importorskip("moto.server")

BUCKET = "care-jobs-cvs-test"
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=_free_port())
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    """The ``applications`` storage is a private bucket, built from the settings' options."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "test-key",
        "AWS_SECRET_ACCESS_KEY": "test-secret",
        "AWS_DEFAULT_REGION": "eu-west-2",
        "AWS_ENDPOINT_URL": s3_endpoint,
    }.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3")
    client.create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
    )
    settings.STORAGES = {
        **settings.STORAGES,
        "applications": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**settings.APPLICATIONS_BUCKET_OPTIONS, "bucket_name": BUCKET},
        },
    }
    storage = storages["applications"]
    # FileField calls its storage callable once, when the model is defined.
    for model in (Application, CandidateProfile):
        monkeypatch.setattr(model._meta.get_field("cv"), "storage", storage)
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


@pytest.fixture
def submitted(candidate_client, board_vacancy, bucket):
    urls = {
        n: reverse(f"candidates:{n}", kwargs={"reference": board_vacancy.reference})
        for n in ("apply", "details", "documents")
    }
    candidate_client.post(urls["apply"])
    candidate_client.post(urls["details"], details_data(board_vacancy))
    response = candidate_client.post(
        urls["documents"], {"cv": upload(documents.PDF, "My CV.pdf"), "action": "submit"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Application.objects.get(vacancy=board_vacancy)


def _keys(client) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_a_cv_is_stored_as_a_private_object(submitted, bucket, s3_endpoint):
    assert submitted.cv.name in _keys(bucket)
    stored = bucket.get_object(Bucket=BUCKET, Key=submitted.cv.name)
    assert stored["Body"].read() == documents.PDF
    grants = bucket.get_object_acl(Bucket=BUCKET, Key=submitted.cv.name)["Grants"]
    assert grants and all(g["Grantee"].get("URI") != ALL_USERS for g in grants)
    assert {g["Permission"] for g in grants} == {"FULL_CONTROL"}  # the owner's, no one else's
    # Its plain address, unsigned, is refused.
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{s3_endpoint}/{BUCKET}/{submitted.cv.name}", timeout=10)  # noqa: S310
    assert refused.value.code == 403


def test_the_cv_view_redirects_to_a_short_signed_url_that_downloads_it(submitted, candidate_client):
    response = candidate_client.get(reverse("candidates:cv", args=[submitted.pk]))
    assert response.status_code == 302
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    signed = response["Location"]
    query = parse_qs(urlsplit(signed).query)
    assert query["X-Amz-Expires"] == ["60"]
    assert "X-Amz-Signature" in query
    assert query["response-content-disposition"] == ['attachment; filename="My-CV.pdf"']
    with urllib.request.urlopen(signed, timeout=10) as answer:  # noqa: S310 - loopback
        assert answer.read() == documents.PDF
        assert answer.headers["Content-Disposition"] == 'attachment; filename="My-CV.pdf"'
        assert answer.headers["Content-Type"] == "application/pdf"


def test_a_tampered_signed_url_is_refused(submitted, candidate_client):
    signed = candidate_client.get(reverse("candidates:cv", args=[submitted.pk]))["Location"]
    # The same object for another file name: the signature no longer matches.
    tampered = signed.replace("My-CV.pdf", "other.pdf")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(tampered, timeout=10)  # noqa: S310 - loopback
    assert refused.value.code == 403


def test_erasing_the_seekers_data_deletes_their_objects(
    submitted, bucket, candidate, django_capture_on_commit_callbacks
):
    assert _keys(bucket) == [submitted.cv.name]
    with django_capture_on_commit_callbacks(execute=True):
        counts = candidate_services.seeker_applications_erase(seeker=candidate)
    assert counts["application_files"] == 1
    assert _keys(bucket) == []
