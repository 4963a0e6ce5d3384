from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = "Applications"

    def ready(self) -> None:
        # The seeker's data download and account deletion include applications and CVs.
        from applications import privacy, tasks  # noqa: F401 - tasks: registered by name

        privacy.register()
