"""Comments move from the news app to their own (label ``comments``), keeping every row.

The table stays ``news_comment``; the content type moves with it
(news/migrations/0007), so the Moderators' and Editors' permissions (granted by
news/migrations/0005), moderation history and references follow.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('news', '0006_import_records'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables already exist (made while these models belonged to the news app):
        # only Django's record of which app owns them changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Comment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('author_name', models.CharField(max_length=100, verbose_name='name')),
                        ('author_email', models.EmailField(blank=True, max_length=254, verbose_name='e-mail')),
                        ('author_url', models.URLField(blank=True, max_length=500, verbose_name='website')),
                        ('body', models.TextField(help_text='Plain text; shown to readers escaped', verbose_name='comment')),
                        ('submitted_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('status', models.CharField(choices=[('pending', 'Pending'), ('approved', 'Approved'), ('rejected', 'Rejected'), ('spam', 'Spam')], default='pending', max_length=10)),
                        ('ip_address', models.GenericIPAddressField(blank=True, null=True, verbose_name='IP address')),
                        ('source_id', models.CharField(blank=True, max_length=255)),
                        ('user_agent', models.CharField(blank=True, max_length=500)),
                        ('moderated_at', models.DateTimeField(blank=True, null=True)),
                        ('moderated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('page', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='comments', to='news.newspage')),
                        ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='replies', to='comments.comment', verbose_name='reply to')),
                    ],
                    options={
                        'verbose_name': 'comment',
                        'verbose_name_plural': 'comments',
                        'db_table': 'news_comment',
                        'ordering': ['submitted_at', 'pk'],
                        'indexes': [models.Index(fields=['page', 'status', 'submitted_at'], name='comment_page_status_idx'), models.Index(fields=['status', 'submitted_at'], name='comment_status_idx')],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('source_id', ''), _negated=True), fields=('source_id',), name='comment_unique_source_id')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
