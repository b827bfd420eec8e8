import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iom.web.settings")
application = get_wsgi_application()

# What loading the app made lives as long as the process: kept out of the collector's full
# passes, which otherwise walk it during requests (about a tenth of a busy page's time).
gc.freeze()
