from django.apps import AppConfig


class ListingsConfig(AppConfig):
    name = "listings"
    verbose_name = "Listings"

    def ready(self) -> None:
        # Register the tasks in every process, so services can queue them by name.
        from listings import tasks  # noqa: F401
