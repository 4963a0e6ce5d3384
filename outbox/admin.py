from django.contrib import admin

from outbox.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Read-only view of what writes promised and whether it reached the broker."""

    list_display = ("id", "task", "created_at", "sent_at", "attempts")
    list_filter = ("task", ("sent_at", admin.EmptyFieldListFilter))
    readonly_fields = ("task", "args", "kwargs", "created_at", "sent_at", "attempts", "last_error")

    def has_add_permission(self, request):
        return False
