# The mail outbox moves from ``accounts`` to its own ``outbox`` app. The table stays where it is
# (``accounts_outboxmail``, created by accounts 0003): this migration only tells Django's state that
# the model now belongs here; accounts 0008 removes it from the accounts state, also without SQL.

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0007_audit_event_submitted_and_anonymised'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='OutboxMail',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('idempotency_key', models.CharField(max_length=200, unique=True)),
                        ('template', models.CharField(blank=True, max_length=100, verbose_name='Vorlage')),
                        ('recipients', models.JSONField(default=list, verbose_name='Empfänger')),
                        ('reply_to', models.CharField(blank=True, max_length=254)),
                        ('subject', models.TextField(verbose_name='Betreff')),
                        ('text_body', models.TextField(blank=True)),
                        ('html_body', models.TextField(blank=True)),
                        ('attachments', models.JSONField(blank=True, default=list)),
                        ('language', models.CharField(blank=True, max_length=10)),
                        ('district_id', models.PositiveBigIntegerField(blank=True, db_index=True, null=True)),
                        ('status', models.CharField(choices=[('queued', 'Wartet auf Versand'), ('sending', 'Wird gesendet'), ('sent', 'Gesendet'), ('failed', 'Fehlgeschlagen')], default='queued', max_length=10, verbose_name='Status')),
                        ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='Versuche')),
                        ('last_error', models.CharField(blank=True, max_length=300, verbose_name='Letzter Fehler')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='Erstellt')),
                        ('next_attempt_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='Nächster Versuch')),
                        ('sending_since', models.DateTimeField(blank=True, null=True)),
                        ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='Gesendet am')),
                    ],
                    options={
                        'db_table': 'accounts_outboxmail',
                        'verbose_name': 'E-Mail im Postausgang',
                        'verbose_name_plural': 'E-Mails im Postausgang',
                        'ordering': ['created_at', 'pk'],
                        'indexes': [models.Index(fields=['status', 'next_attempt_at'], name='outbox_status_due_idx')],
                    },
                ),
            ],
        ),
    ]
