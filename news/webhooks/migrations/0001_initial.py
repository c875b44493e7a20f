"""Webhooks move from the news app to their own (label ``webhooks``), keeping every row.

The tables stay ``news_webhookendpoint``, ``news_webhookdelivery`` and
``news_webhookattempt``; the content types move with them
(news/migrations/0007), so permissions and history follow.
"""

import django.db.models.deletion
import django.utils.timezone
import news.webhooks.models
import uuid
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('news', '0006_import_records'),
    ]

    operations = [
        # The tables already exist (made while these models belonged to the news app):
        # only Django's record of which app owns them changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='WebhookDelivery',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('event', models.CharField(choices=[('page.published', 'Page published'), ('page.unpublished', 'Page unpublished'), ('page.deleted', 'Page deleted'), ('comment.approved', 'Comment approved'), ('webhook.test', 'Test event')], max_length=40)),
                        ('body', models.TextField()),
                        ('page_id', models.PositiveIntegerField(blank=True, db_index=True, null=True)),
                        ('status', models.CharField(choices=[('pending', 'Pending'), ('retrying', 'Retrying'), ('delivered', 'Delivered'), ('failed', 'Failed')], default='pending', max_length=10)),
                        ('attempts', models.PositiveSmallIntegerField(default=0)),
                        ('next_attempt_at', models.DateTimeField(blank=True, default=django.utils.timezone.now, null=True)),
                        ('last_response_code', models.PositiveSmallIntegerField(blank=True, null=True)),
                        ('last_error', models.TextField(blank=True)),
                        ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                        ('delivered_at', models.DateTimeField(blank=True, null=True)),
                    ],
                    options={
                        'verbose_name': 'webhook delivery',
                        'verbose_name_plural': 'webhook deliveries',
                        'db_table': 'news_webhookdelivery',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='WebhookEndpoint',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(help_text="Who receives this, e.g. 'Next.js site'.", max_length=100)),
                        ('url', models.URLField(help_text='Deliveries are POSTed here as JSON (http or https).', max_length=500)),
                        ('secret', models.CharField(default=news.webhooks.models.new_secret, help_text='Shared secret for the X-Newsdesk-Signature header (HMAC-SHA256 of the body). A random one is filled in; give the receiver the same value.', max_length=200)),
                        ('events', models.JSONField(default=list, help_text='Which events are sent to this endpoint.')),
                        ('is_active', models.BooleanField(default=True, help_text='Inactive endpoints receive nothing (queued retries stop).')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                    ],
                    options={
                        'verbose_name': 'webhook endpoint',
                        'db_table': 'news_webhookendpoint',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='WebhookAttempt',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.PositiveSmallIntegerField()),
                        ('started_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('duration_ms', models.PositiveIntegerField(default=0)),
                        ('response_code', models.PositiveSmallIntegerField(blank=True, null=True)),
                        ('error', models.TextField(blank=True)),
                        ('delivery', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attempt_log', to='webhooks.webhookdelivery')),
                    ],
                    options={
                        'verbose_name': 'webhook attempt',
                        'db_table': 'news_webhookattempt',
                        'ordering': ['delivery', 'number'],
                    },
                ),
                migrations.AddField(
                    model_name='webhookdelivery',
                    name='endpoint',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to='webhooks.webhookendpoint'),
                ),
                migrations.AddIndex(
                    model_name='webhookdelivery',
                    index=models.Index(fields=['status', 'next_attempt_at'], name='webhook_due_idx'),
                ),
            ],
            database_operations=[],
        ),
    ]
