from django.apps import AppConfig


class CommonConfig(AppConfig):
    """Shared infrastructure: API helpers, the task queue, throttles, emails, Markdown."""

    name = "common"
    verbose_name = "Shared infrastructure"
