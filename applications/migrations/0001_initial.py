import applications.storage
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('listings', '0018_vacancy_apply_method'),
        ('seekers', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Application',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('email', models.EmailField(max_length=254)),
                ('email_confirmed_at', models.DateTimeField(blank=True, null=True)),
                ('full_name', models.CharField(blank=True, max_length=200)),
                ('phone', models.CharField(blank=True, max_length=30)),
                ('right_to_work', models.CharField(blank=True, choices=[('yes', 'Yes'), ('sponsor', 'No, I would need visa sponsorship'), ('no', 'No')], max_length=7)),
                ('registration_number', models.CharField(blank=True, max_length=40)),
                ('dbs_update_service', models.BooleanField(blank=True, null=True)),
                ('supporting_statement', models.TextField(blank=True, max_length=10000)),
                ('cv', models.FileField(blank=True, storage=applications.storage.private_storage, upload_to='cvs/%Y/%m/')),
                ('cv_name', models.CharField(blank=True, max_length=120)),
                ('cv_content_type', models.CharField(blank=True, max_length=100)),
                ('cv_size', models.PositiveIntegerField(default=0)),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('new', 'New'), ('reviewing', 'Reviewing'), ('shortlisted', 'Shortlisted'), ('interview', 'Interview'), ('offered', 'Offered'), ('hired', 'Hired'), ('rejected', 'Unsuccessful'), ('withdrawn', 'Withdrawn')], default='draft', max_length=12)),
                ('screening_passed', models.BooleanField(default=True)),
                ('screening_yes_count', models.PositiveSmallIntegerField(default=0)),
                ('rating', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('source', models.CharField(blank=True, max_length=16)),
                ('created_at', models.DateTimeField()),
                ('updated_at', models.DateTimeField()),
                ('submitted_at', models.DateTimeField(blank=True, null=True)),
                ('status_changed_at', models.DateTimeField(blank=True, null=True)),
                ('withdrawn_at', models.DateTimeField(blank=True, null=True)),
                ('seeker', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='applications', to='seekers.seeker')),
                ('vacancy', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='applications', to='listings.vacancy')),
            ],
            options={
                'ordering': ['-submitted_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='ApplicationEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('submitted', 'Submitted'), ('status', 'Status changed'), ('message', 'Message sent to the candidate'), ('withdrawn', 'Withdrawn by the candidate'), ('slot', 'Interview time chosen')], max_length=10)),
                ('from_status', models.CharField(blank=True, max_length=12)),
                ('to_status', models.CharField(blank=True, max_length=12)),
                ('subject', models.CharField(blank=True, max_length=200)),
                ('body', models.TextField(blank=True)),
                ('created_at', models.DateTimeField()),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('application', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='applications.application')),
            ],
            options={
                'ordering': ['created_at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='ApplicationNote',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('body', models.TextField(max_length=5000)),
                ('created_at', models.DateTimeField()),
                ('application', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notes', to='applications.application')),
                ('author', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['created_at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='EqualityMonitoring',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('age_band', models.CharField(blank=True, max_length=10)),
                ('sex', models.CharField(blank=True, max_length=20)),
                ('gender_same_as_birth', models.CharField(blank=True, max_length=20)),
                ('ethnicity', models.CharField(blank=True, max_length=40)),
                ('disability', models.CharField(blank=True, max_length=20)),
                ('religion', models.CharField(blank=True, max_length=30)),
                ('sexual_orientation', models.CharField(blank=True, max_length=30)),
                ('given_on', models.DateField()),
                ('vacancy', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='equality_answers', to='listings.vacancy')),
            ],
        ),
        migrations.CreateModel(
            name='InterviewSlot',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('starts_at', models.DateTimeField()),
                ('minutes', models.PositiveSmallIntegerField(default=30)),
                ('where', models.CharField(help_text='An address or a video link.', max_length=300)),
                ('taken_by', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='interview_slot', to='applications.application')),
                ('vacancy', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='interview_slots', to='listings.vacancy')),
            ],
            options={
                'ordering': ['starts_at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='ScreeningQuestion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveSmallIntegerField(default=0)),
                ('text', models.CharField(max_length=300)),
                ('kind', models.CharField(choices=[('yes_no', 'Yes or no'), ('text', 'Short answer')], default='yes_no', max_length=6)),
                ('must_be_yes', models.BooleanField(default=False)),
                ('vacancy', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='screening_questions', to='listings.vacancy')),
            ],
            options={
                'ordering': ['vacancy', 'position', 'id'],
            },
        ),
        migrations.CreateModel(
            name='ScreeningAnswer',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('answer_yes', models.BooleanField(blank=True, null=True)),
                ('answer_text', models.CharField(blank=True, max_length=500)),
                ('application', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='answers', to='applications.application')),
                ('question', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='answers', to='applications.screeningquestion')),
            ],
            options={
                'ordering': ['question__position', 'question_id'],
            },
        ),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(fields=['vacancy', 'status', '-submitted_at', '-id'], name='application_vacancy_list'),
        ),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(fields=['email'], name='application_email'),
        ),
        migrations.AddConstraint(
            model_name='application',
            constraint=models.UniqueConstraint(condition=models.Q(('seeker__isnull', False)), fields=('vacancy', 'seeker'), name='application_one_per_seeker'),
        ),
        migrations.AddConstraint(
            model_name='application',
            constraint=models.UniqueConstraint(condition=models.Q(('seeker__isnull', True)), fields=('vacancy', 'email'), name='application_one_per_guest_email'),
        ),
        migrations.AddConstraint(
            model_name='application',
            constraint=models.CheckConstraint(condition=models.Q(('rating__isnull', True), models.Q(('rating__gte', 1), ('rating__lte', 5)), _connector='OR'), name='application_rating_1_to_5'),
        ),
        migrations.AddConstraint(
            model_name='screeningquestion',
            constraint=models.CheckConstraint(condition=models.Q(('must_be_yes', False), ('kind', 'yes_no'), _connector='OR'), name='screening_knockout_is_yes_no'),
        ),
        migrations.AddConstraint(
            model_name='screeninganswer',
            constraint=models.UniqueConstraint(fields=('application', 'question'), name='screening_answer_unique'),
        ),
    ]
