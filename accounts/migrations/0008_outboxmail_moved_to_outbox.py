# The mail outbox moved to its own ``outbox`` app (outbox 0001). Its table keeps its name, so
# nothing changes in the database: the model leaves the accounts state, and its content type (with
# the permissions that point to it) is renamed to the new app.

from django.db import migrations


def content_type_to_outbox(apps, schema_editor):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    if not ContentType.objects.filter(app_label='outbox', model='outboxmail').exists():
        ContentType.objects.filter(app_label='accounts', model='outboxmail').update(app_label='outbox')


def content_type_to_accounts(apps, schema_editor):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    if not ContentType.objects.filter(app_label='accounts', model='outboxmail').exists():
        ContentType.objects.filter(app_label='outbox', model='outboxmail').update(app_label='accounts')


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0007_audit_event_submitted_and_anonymised'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('outbox', '0001_outboxmail_moved_from_accounts'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name='OutboxMail')],
        ),
        migrations.RunPython(content_type_to_outbox, content_type_to_accounts),
    ]
