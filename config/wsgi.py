import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# The web server loads the embedding model while it starts taking requests, not on the first
# search (which would wait ~10 s). HUB_WARM_UP=false turns it off.
if os.environ.get("HUB_WARM_UP", "true").lower() not in ("0", "false", "no"):
    from hub.search.embedding import warm_up

    warm_up()
