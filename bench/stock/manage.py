#!/usr/bin/env python
"""The stock site's manage.py: STOCK_DATABASE_PATH=... python bench/stock/manage.py ..."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stocksite.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
