from django.apps import AppConfig


class OutboxConfig(AppConfig):
    """Tasks promised by a write, recorded with it and relayed to the broker after commit."""

    name = "outbox"
    verbose_name = "Outbox"
