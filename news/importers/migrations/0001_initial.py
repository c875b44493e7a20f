"""Import records move from the news app to their own (label ``importers``), keeping every
row. The table stays ``news_importrecord``; the content type moves with it
(news/migrations/0007).
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('news', '0006_import_records'),
        ('wagtailcore', '0098_apitoken'),
        migrations.swappable_dependency(settings.WAGTAIL_PAGE_MODEL),
    ]

    operations = [
        # The tables already exist (made while these models belonged to the news app):
        # only Django's record of which app owns them changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ImportRecord',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('source', models.CharField(choices=[('blogger', 'Blogger'), ('wordpress', 'WordPress')], max_length=20)),
                        ('source_id', models.CharField(help_text="The entry's id in the export (Blogger entry id, WP post)", max_length=255)),
                        ('source_url', models.URLField(blank=True, max_length=500, verbose_name='old URL')),
                        ('content_hash', models.CharField(blank=True, max_length=64)),
                        ('imported_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('page', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='import_records', to=settings.WAGTAIL_PAGE_MODEL)),
                        ('revision', models.ForeignKey(blank=True, help_text='The revision written by the last import of this entry', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='wagtailcore.revision')),
                    ],
                    options={
                        'verbose_name': 'import record',
                        'db_table': 'news_importrecord',
                        'constraints': [models.UniqueConstraint(fields=('source', 'source_id'), name='news_importrecord_unique_source_id')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
