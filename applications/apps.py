from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = "Applications"

    def ready(self) -> None:
        # The seeker's data download and account deletion include applications and CVs.
        from applications import cleanup, privacy, tasks  # noqa: F401 - tasks: registered by name

        privacy.register()
        # A deleted application or profile takes its CV with it, after commit.
        cleanup.connect()
