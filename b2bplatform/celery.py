"""The Celery application: `celery -A b2bplatform worker` and `celery -A b2bplatform beat`.

Configuration lives in Django settings under the ``CELERY_`` prefix (JSON only, late acks,
prefetch 1, time limits, the beat schedule).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "b2bplatform.settings.local")

app = Celery("b2bplatform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
