from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = "Applications"

    def ready(self) -> None:
        # Register the tasks the services queue by name (the outbox runs them in-process
        # when tasks are eager, and a worker finds them by name).
        from applications import tasks  # noqa: F401
