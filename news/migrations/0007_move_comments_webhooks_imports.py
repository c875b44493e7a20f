"""Comments, webhooks and import records leave the news app for apps of their own
(news.comments, news.webhooks, news.importers); their tables and rows stay as they are."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('news', '0006_import_records'),
        ('comments', '0001_initial'),
        ('webhooks', '0001_initial'),
        ('importers', '0001_initial'),
    ]

    operations = [
        # The tables stay where they are, now owned by the comments, webhooks and
        # importers apps (their migrations 0001): only the news app's record changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='importrecord',
                    name='page',
                ),
                migrations.RemoveField(
                    model_name='importrecord',
                    name='revision',
                ),
                migrations.RemoveField(
                    model_name='webhookattempt',
                    name='delivery',
                ),
                migrations.RemoveField(
                    model_name='webhookdelivery',
                    name='endpoint',
                ),
                migrations.DeleteModel(
                    name='Comment',
                ),
                migrations.DeleteModel(
                    name='ImportRecord',
                ),
                migrations.DeleteModel(
                    name='WebhookAttempt',
                ),
                migrations.DeleteModel(
                    name='WebhookDelivery',
                ),
                migrations.DeleteModel(
                    name='WebhookEndpoint',
                ),
            ],
            database_operations=[],
        ),
    ]
