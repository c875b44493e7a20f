"""WSGI entry point for gunicorn: ``gunicorn cms.wsgi``. Uses production settings.

Once the application is loaded (apps, models, the URLconf), everything it made so far is
moved out of the garbage collector's sight (``gc.freeze``): those objects live as long as
the process, and a full collection would otherwise walk all of them (about 200,000)
again and again while serving. The youngest generation is also collected less often
(``GC_THRESHOLD``): a request allocates thousands of short-lived objects (model
instances, template nodes), and with Python's default of 700 a listing with every field
set off about six collections per request. Measured in docs/performance.md.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.production")

#: Allocations (less deallocations) between collections of the youngest generation, and
#: how many of those before an older one is collected (Python's defaults: 700, 10, 10).
GC_THRESHOLD = (10_000, 20, 20)

application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018 - loads the URLconf now, not on the first request
gc.collect()
gc.freeze()
gc.set_threshold(*GC_THRESHOLD)
