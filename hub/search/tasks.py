"""Background indexing: embedding takes tens of milliseconds per text, so it happens in the
task worker (``manage.py db_worker``), never in a request."""

from django_tasks import task

from hub.search.services import index_objects


@task()
def index_documents(kind: str, object_ids: list[int]) -> dict:
    return index_objects(kind, object_ids)
