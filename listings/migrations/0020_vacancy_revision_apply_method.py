from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('listings', '0019_vacancy_revisions'),
    ]

    operations = [
        migrations.AddField(
            model_name='vacancyrevision',
            name='apply_method',
            field=models.CharField(choices=[('website', 'On our website'), ('email', 'By email'), ('board', 'On this job board')], default='website', max_length=7),
        ),
    ]
