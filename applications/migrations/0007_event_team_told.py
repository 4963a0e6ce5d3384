"""A chosen interview time remembers when the team was told of it (told once, however often
the task runs). Events from before have none: a task of theirs still queued tells the team.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('applications', '0006_event_slot_cancelled'),
    ]

    operations = [
        migrations.AddField(
            model_name='applicationevent',
            name='team_told_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
