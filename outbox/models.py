"""One row per task a write promised to run, stored in the write's own transaction."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class OutboxMessageQuerySet(models.QuerySet):
    def pending(self) -> OutboxMessageQuerySet:
        """Not yet handed to the broker."""
        return self.filter(sent_at__isnull=True)

    def created_before(self, moment) -> OutboxMessageQuerySet:
        return self.filter(created_at__lt=moment)


class OutboxMessage(models.Model):
    """A task to queue (its registered name and JSON arguments) and whether it was queued."""

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")

    objects = OutboxMessageQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="outbox_pending_idx",
                condition=models.Q(sent_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        state = "sent" if self.sent_at else "pending"
        return f"{self.task} #{self.pk} ({state})"
